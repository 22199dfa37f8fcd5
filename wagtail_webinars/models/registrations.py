"""Registrations: who signed up for which session, the questions editors ask, and the e-mails sent.

Layered like ``wagtail.contrib.forms``: the page mixin ``RegistrationSettingsMixin`` carries the
editor's settings (enabled, window, capacity, waiting list) and is part of the session and series
page mixins; ``RegistrationQuestion`` is an orderable form field on any page; ``Registration`` and
``RegistrationEmail`` are plain models. The rules that change them live in ``services.py``.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable

from ..data import municipality_label
from ..pagemodel import page_model_name, session_page_model, session_page_model_name
from ..panels import RegistrationCountsPanel

# ---------------------------------------------------------------------------------------------
# Settings on the session and series pages
# ---------------------------------------------------------------------------------------------


def registration_panel(*extra_panels) -> MultiFieldPanel:
    """The editor's "Registration" panel, with ``extra_panels`` at its end."""
    return MultiFieldPanel(
        [
            RegistrationCountsPanel(),
            FieldPanel("registration_enabled"),
            FieldRowPanel(
                [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
            ),
            FieldRowPanel(
                [FieldPanel("registration_capacity"), FieldPanel("registration_waitlist")]
            ),
            *extra_panels,
        ],
        heading=_("Registration"),
    )


class RegistrationSettingsMixin(models.Model):
    """The editor's registration settings; part of the session and the series page mixins.

    On a session they govern that session. On a series they govern the series form (one form for
    several dates), and the series' capacity applies to each session that leaves its own empty.
    """

    #: The form visitors register with, on the page, in the JSON API and in the block: a dotted
    #: path or a class, a subclass of ``wagtail_webinars.registration.forms.RegistrationForm``.
    #: Override it on a page type to add a field or a rule (``registration.presentation
    #: .get_form_class()`` reads it, as Wagtail's ``FormMixin.get_form_class()`` does).
    registration_form_class: str | type = "wagtail_webinars.registration.forms.RegistrationForm"

    registration_enabled = models.BooleanField(
        _("registration open to visitors"),
        default=True,
        help_text=_("Show the registration form (“Anmäl dig”)."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Leave empty to open now.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close when the session starts."),
    )
    registration_capacity = models.PositiveIntegerField(
        _("number of places"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty for no limit. Further participants in a registration take places too."
        ),
    )
    registration_waitlist = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When all places are taken, put new registrations on a waiting list."),
    )

    class Meta:
        abstract = True

    #: The "Registration" panel; a session's adds where its form is shown (registration_panel()).
    registration_panels = [registration_panel()]

    def effective_registration_capacity(self) -> int | None:
        """The page's number of places, else its series' (a session's parent), else None."""
        if self.registration_capacity is not None:
            return self.registration_capacity
        series = getattr(self, "series", None)
        return series.registration_capacity if series is not None else None

    def registration_counts(self) -> dict[str, Any]:
        """Confirmed places and registrations, waiting registrations and places left, for the
        page editor: of this session, or summed over a series' sessions."""
        is_series = getattr(self, "webinar_page_kind", "") == "series"
        if is_series:
            sessions = session_page_model().objects.child_of(self)
            registrations = Registration.objects.filter(session__in=sessions)
            capacity = None
        else:
            registrations = Registration.objects.filter(session_id=self.pk)
            capacity = self.effective_registration_capacity()
        confirmed = Q(status=RegistrationStatus.CONFIRMED)
        counts = registrations.aggregate(
            confirmed=models.Count("pk", filter=confirmed),
            places=models.Sum("places", filter=confirmed),
            waiting=models.Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
        places = counts["places"] or 0
        return {
            "is_series": is_series,
            "confirmed": counts["confirmed"],
            "places": places,
            "waiting": counts["waiting"],
            "capacity": capacity,
            "places_left": None if capacity is None else max(0, capacity - places),
        }

    def clean(self) -> None:
        super().clean()
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")}
            )


# ---------------------------------------------------------------------------------------------
# Questions, in the manner of Wagtail's form builder
# ---------------------------------------------------------------------------------------------


class QuestionType(models.TextChoices):
    SINGLELINE = "singleline", _("Short text")
    MULTILINE = "multiline", _("Long text")
    DROPDOWN = "dropdown", _("Choice")
    CHECKBOXES = "checkboxes", _("Checkboxes")
    NUMBER = "number", _("Number")


class AbstractRegistrationQuestion(Orderable):
    """One question an editor asks, like ``wagtail.contrib.forms.models.AbstractFormField``.

    ``clean_name`` is the key of the answer in ``Registration.answers`` and in the JSON API.
    """

    clean_name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        default="",
        help_text=_("Safe name of the question, made from the label when left empty."),
    )
    label = models.CharField(_("label"), max_length=255, help_text=_("The question."))
    field_type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For choice and checkboxes: one choice per line."),
    )
    help_text = models.CharField(_("help text"), max_length=255, blank=True)

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("field_type", classname="formbuilder-type"),
        FieldPanel("choices", classname="formbuilder-choices"),
    ]

    class Meta(Orderable.Meta):
        abstract = True

    def get_choices(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.clean_name:
            from wagtail.contrib.forms.utils import get_field_clean_name

            self.clean_name = get_field_clean_name(self.label)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.label


class RegistrationQuestion(AbstractRegistrationQuestion):
    """A question on a session or series page (``page.registration_questions``)."""

    page = ParentalKey(
        page_model_name(), on_delete=models.CASCADE, related_name="registration_questions"
    )

    class Meta(AbstractRegistrationQuestion.Meta):
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------


#: The order of a session's waiting list: first come, first served.
WAITLIST_ORDER = ("created_at", "pk")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    # Its own context: in Swedish a person who cancelled is "avanmäld", while "inställt" (the
    # webinar's "Cancelled") says the event itself was called off.
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def _new_token_key() -> str:
    return secrets.token_hex(16)


def email_key_for(email: str) -> str:
    """The address as the one-place-per-address rule compares it: trimmed, case-insensitive."""
    return email.strip().lower()


def hash_token(token: str) -> str:
    """What is stored for a cancel token: its SHA-256, so a database dump cancels nobody."""
    return hashlib.sha256(token.encode()).hexdigest()


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlisted(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITLISTED)

    def places_taken(self) -> int:
        """Places held by confirmed registrations (each one holds 1 + further participants)."""
        return self.confirmed().aggregate(n=models.Sum("places"))["n"] or 0


class Registration(models.Model):
    """One visitor's registration for one session, with the further participants they named.

    The personal cancel link carries a token that is derived, not stored: an HMAC (keyed with
    ``SECRET_KEY``) of the random ``token_key``. Only the token's SHA-256 is stored and indexed, so
    whoever reads the database cannot cancel anyone, while every e-mail sent later (reminder,
    promotion) can still rebuild the same link. Rotating ``SECRET_KEY`` invalidates old links.
    """

    session = models.ForeignKey(
        session_page_model_name(),
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="webinar_registrations",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, db_index=True
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    # Lower-cased e-mail: the key of the one-place-per-address rule.
    email_key = models.CharField(max_length=254, editable=False)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    municipality_code = models.CharField(
        _("municipality or region"), max_length=8, blank=True, db_index=True
    )
    participants = models.JSONField(
        _("further participants"), default=list, blank=True, encoder=DjangoJSONEncoder
    )
    places = models.PositiveIntegerField(_("places"), default=1)
    answers = models.JSONField(_("answers"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    question_to_speaker = models.TextField(_("question to the speaker"), blank=True)
    consent_text = models.TextField(_("consent given"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="sv")
    token_key = models.CharField(max_length=32, default=_new_token_key, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()
    # Not content: keep Wagtail's reference index (and its extra transaction) out of sign-ups.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # The database's own guard behind the service's rule: one active place per address.
            models.UniqueConstraint(
                fields=["session", "email_key"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="wagtail_webinars_one_active_registration_per_email",
            ),
        ]
        # The waiting list's order. On PostgreSQL, migration 0011 makes this index cover the
        # places too (INCLUDE), so that the count every registration makes under the session's
        # lock (services._counting_query) is an index-only scan instead of a read of every row.
        # Not ``include=`` here: Django 6 warns (models.W040) on every SQLite site's check.
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_key = email_key_for(self.email)
        self.places = 1 + len(self.participants or [])
        self.token_hash = hash_token(self.token)
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        """The secret of the personal cancel link (never stored; see the class docstring)."""
        return salted_hmac(
            "wagtail_webinars.registration-cancel", self.token_key, algorithm="sha256"
        ).hexdigest()

    def waitlist_position(self) -> int | None:
        """This registration's place in its session's waiting list (1 is next in line), or
        None when it is not waiting. The waiting list moves strictly in ``WAITLIST_ORDER``
        (``services.promote_waitlisted()``). Only its owner is told: the waiting-list e-mail
        says it, the result page does not (it would tell a stranger that an address had
        registered before)."""
        if self.status != RegistrationStatus.WAITLISTED:
            return None
        ahead = (
            Registration.objects.filter(session_id=self.session_id)
            .waitlisted()
            .filter(
                Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
            )
        )
        return ahead.count() + 1

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def municipality_label(self) -> str:
        return municipality_label(self.municipality_code)


class SessionPlaces(models.Model):
    """A session's places taken and registrations waiting, as committed: what ``register()``
    reads under the session's lock on PostgreSQL, one row, instead of counting every
    registration of the session (which grows with them: 3 ms at 20,000, every registration
    waiting behind it).

    Kept by the database, not by the code: on PostgreSQL migration 0012 installs triggers on the
    registrations' table that add and subtract each committed change of a registration's status,
    places or session, whoever makes it (the rules, the admin, a host's own code, a bulk UPDATE).
    They run at the commit (deferred), when a registration already holds the session's lock, so
    the row adds nothing to the time before it. Other databases count the registrations
    (SQLite serialises whole-database writes anyway) and leave this table empty.

    No foreign key to the session: a deleted session's registrations are deleted after it, and
    their triggers must not fail on it. Holds no personal data.
    """

    session_id = models.IntegerField(primary_key=True)
    taken = models.IntegerField(default=0)
    waiting = models.IntegerField(default=0)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("places of a session")
        verbose_name_plural = _("places of sessions")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.session_id}: {self.taken} taken, {self.waiting} waiting"


# ---------------------------------------------------------------------------------------------
# The e-mail outbox
# ---------------------------------------------------------------------------------------------


class EmailKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Confirmation")
    WAITLISTED = "waitlisted", _("Waiting list")
    PROMOTED = "promoted", _("Place from the waiting list")
    CANCELLED = "cancelled", _("Cancellation")
    REMINDER = "reminder", _("Reminder")
    #: The session moved, or its join link changed: an updated invitation (higher SEQUENCE).
    UPDATE = "update", _("Change of time or link")
    POSTPONED = "postponed", _("Webinar postponed")
    #: The session is called off ("inställt"): a METHOD:CANCEL for the calendar.
    CALLED_OFF = "called_off", _("Webinar cancelled")
    #: After the broadcast: the recording and the material.
    FOLLOW_UP = "follow_up", _("After the broadcast")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DeliveryState(models.TextChoices):
    """What the e-mail provider reported back through Anymail's tracking webhook."""

    UNKNOWN = "", _("Not reported")
    QUEUED = "queued", _("Queued by the provider")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Delayed")
    COMPLAINED = "complained", _("Marked as spam")
    OPENED = "opened", _("Opened")
    FAILED = "failed", _("Failed")


class RegistrationEmail(models.Model):
    """One e-mail to send about a registration: the outbox row written in the same transaction.

    A sender claims the row (``pending`` → ``sending``) with one conditional UPDATE, so two
    workers never send the same row; a failure puts it back to ``pending`` with a later
    ``next_attempt_at`` until ``EMAIL_MAX_ATTEMPTS`` is reached.
    """

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("registration"),
    )
    kind = models.CharField(_("e-mail"), max_length=16, choices=EmailKind.choices)
    #: What one e-mail of its kind is about, for the kinds a person gets more than once: the
    #: reminder's offset (``before-1440``), the change's SEQUENCE (``sequence-3``). Unique per
    #: registration and kind, so a rule that runs twice, or in two processes at once, writes it once.
    key = models.CharField(_("about"), max_length=64, blank=True, default="")
    state = models.CharField(
        _("state"), max_length=16, choices=EmailState.choices, default=EmailState.PENDING
    )
    delivery_state = models.CharField(
        _("delivery"), max_length=16, choices=DeliveryState.choices, blank=True, default=""
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("message ID"), max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("registration e-mail")
        verbose_name_plural = _("registration e-mails")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            # Reminders, change notices and the follow-up are written by rules that may run twice
            # or in two processes at once: one of each key per registration.
            models.UniqueConstraint(
                fields=["registration", "kind", "key"],
                condition=~Q(key=""),
                name="wagtail_webinars_one_email_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.registration.email}"


# ---------------------------------------------------------------------------------------------
# The retention rule's runs
# ---------------------------------------------------------------------------------------------


class RetentionRun(models.Model):
    """One run of ``webinars_purge_personal_data``: when, and what it erased. The registrations
    admin shows the last one, so the data protection officer can see that erasure happens."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True, db_index=True)
    registrations = models.PositiveIntegerField(_("registrations erased"), default=0)
    emails = models.PositiveIntegerField(_("outbox rows cleared"), default=0)
    feedback_comments = models.PositiveIntegerField(_("feedback comments erased"), default=0)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("run of the retention rule")
        verbose_name_plural = _("runs of the retention rule")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M}: {self.registrations}"

"""The page types: series, session and listing.

Each page type is an abstract mixin (``WebinarSessionPageMixin`` …) plus a concrete page that
combines it with Wagtail's ``Page``. A site with its own base page model (Wagtail 8's
``WAGTAIL_PAGE_MODEL``) cannot use a subclass of ``wagtail.models.Page``, so it builds its page from
the mixin and its own base, and swaps ours out with the matching ``WAGTAIL_WEBINARS_…_MODEL``
setting (see docs/installation.md). Speakers and contact persons hang off the base page model, so
the same inline relations serve our pages and a site's own.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page as DjangoPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _, ngettext
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .. import blocks as webinar_blocks, page_cache, shared_cache
from ..conf import webinar_settings
from ..dates import admin_datetime
from ..page_forms import WebinarPageForm
from ..pagemodel import (
    page_model_name,
    series_page_model,
    session_page_model,
    swappable_setting,
)
from ..serializers import (
    ContactPersonSerializer,
    PageContactsField,
    PageNoticesField,
    PageSpeakersField,
    RegistrationField,
    SeriesSessionsField,
    SessionCalendarField,
    SpeakerSerializer,
    TechnicalHelpField,
    WebinarDateTimeField,
)
from .registrations import RegistrationSettingsMixin, registration_panel
from .snippets import ContactPerson, Notice, Speaker, TechnicalHelpFAQ

if TYPE_CHECKING:
    from django.http import HttpRequest


class SessionStatus(models.TextChoices):
    """What an editor sets. Live and ended are not stored: they follow from the clock."""

    SCHEDULED = "scheduled", _("As planned")
    CANCELLED = "cancelled", _("Cancelled")
    POSTPONED = "postponed", _("Postponed")


class ComputedStatus(models.TextChoices):
    """What a visitor and the API see."""

    UPCOMING = "upcoming", _("Upcoming")
    LIVE = "live", _("Live now")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")
    POSTPONED = "postponed", _("Postponed")


class RegistrationFormPlacement(models.TextChoices):
    """Where a session page shows its registration form. After the programme, as on SKR's own
    pages, with an "Anmäl dig" link under the lead; or before the programme, right under the
    lead and the speakers, for a session that is mostly about signing up."""

    AFTER_PROGRAMME = "after_programme", _("After the programme, with a link at the top")
    BEFORE_PROGRAMME = "before_programme", _("Before the programme, right after the lead")


class JoinLinkVisibility(models.TextChoices):
    PUBLIC = "public", _("Shown on the page")
    REGISTRANTS = "registrants", _("Sent only to registered participants")


# ---------------------------------------------------------------------------------------------
# Speakers and contact persons, ordered, with a role per page
# ---------------------------------------------------------------------------------------------


class PageSpeaker(Orderable):
    """A speaker on a page, with the role they have there ("Inspiratör", "Moderator")."""

    page = ParentalKey(page_model_name(), on_delete=models.CASCADE, related_name="webinar_speakers")
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role"),
        max_length=100,
        blank=True,
        help_text=_('For example "Inspiratör" or "Moderator".'),
    )

    panels = [FieldPanel("speaker"), FieldPanel("role")]
    api_fields = [APIField("role"), APIField("speaker", serializer=SpeakerSerializer())]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")


class PageContactPerson(Orderable):
    """A contact person on a page, with a role there ("Informationsansvarig",
    "Frågor om anmälan")."""

    page = ParentalKey(page_model_name(), on_delete=models.CASCADE, related_name="webinar_contacts")
    contact = models.ForeignKey(
        ContactPerson, verbose_name=_("contact person"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role on this page"),
        max_length=100,
        blank=True,
        help_text=_('For example "Informationsansvarig" or "Frågor om anmälan".'),
    )

    panels = [FieldPanel("contact"), FieldPanel("role")]
    api_fields = [APIField("role"), APIField("contact", serializer=ContactPersonSerializer())]

    class Meta(Orderable.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")


# ---------------------------------------------------------------------------------------------
# Mixins
# ---------------------------------------------------------------------------------------------


class WebinarPageMixin(models.Model):
    """Fields and behaviour shared by every webinar page type."""

    #: Times typed and shown in the webinars' zone, whatever zone the admin is in.
    base_form_class = WebinarPageForm

    lead = models.TextField(_("lead"), blank=True, max_length=1000)
    audience = models.CharField(
        _("audience"),
        max_length=255,
        blank=True,
        help_text=_('Who the webinar is for, for example "Ledande förtroendevalda".'),
    )
    technical_help = models.ForeignKey(
        TechnicalHelpFAQ,
        verbose_name=_("technical help FAQ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    template_name: str = ""

    def get_template(self, request, *args, **kwargs):
        # Most specific first, so a host overrides one page type without touching the others.
        return [
            f"wagtail_webinars/pages/{self._meta.model_name}.html",
            self.template_name or f"wagtail_webinars/pages/{self.webinar_page_kind}.html",
        ]

    webinar_page_kind = "page"

    def get_context(self, request: HttpRequest, *args, **kwargs):
        """The page's context. What the cached fragments show is lazy: read from the database
        on first use, so a request served from the cache does not query it at all."""
        context = super().get_context(request, *args, **kwargs)
        context["webinars_base_template"] = webinar_settings.BASE_TEMPLATE
        context["webinars_main_landmark"] = webinar_settings.MAIN_LANDMARK
        context["webinars_cache_alias"] = webinar_settings.CACHE_ALIAS
        context["webinars_cache_timeout"] = page_cache.cache_timeout_for(self)
        context["webinars_cache_version"] = page_cache.lazy_cache_version(self, context)
        context["speakers"] = SimpleLazyObject(self.get_speakers)
        context["contacts"] = SimpleLazyObject(self.get_contacts)
        context["notices"] = SimpleLazyObject(self.get_notices)
        return context

    def get_cache_boundaries(self, context, now: datetime.datetime):
        """Moments after ``now`` at which the clock changes what the page's cached fragments
        show (see ``page_cache``). Override, calling super(), when a template override shows
        something else that depends on the time. Called only when the last answer has expired
        or something changed, so it may query."""
        from django.db.models import Min, Q

        notices = (
            Notice.objects.filter(live=True, locale_id=self.locale_id)
            .for_series(self.get_series_id())
            .aggregate(
                appears=Min("show_from", filter=Q(show_from__gt=now)),
                expires=Min("show_until", filter=Q(show_until__gte=now)),
            )
        )
        expires = notices["expires"]
        # A notice is shown up to and including its show_until.
        return [
            notices["appears"],
            expires + datetime.timedelta(microseconds=1) if expires else None,
        ]

    def serve(self, request, *args, **kwargs):
        # Cache-Control for a shared front-end cache, when FRONTEND_CACHE is on (shared_cache.py).
        return shared_cache.serve(self, request, super().serve(request, *args, **kwargs))

    def get_shared_cache_boundaries(self, context, now: datetime.datetime):
        """Moments after ``now`` at which the clock changes anything the page shows, the
        registration form included: what a shared front-end cache may keep it until
        (``shared_cache``). ``get_cache_boundaries()`` plus the registration window; override,
        calling super(), as that one."""
        return [
            *self.get_cache_boundaries(context, now),
            getattr(self, "registration_opens_at", None),
            getattr(self, "registration_closes_at", None),
        ]

    def get_speakers(self) -> list[PageSpeaker]:
        """Published speakers in editor order, with their photos' renditions, in a fixed number
        of queries whatever their number. A draft speaker (never published) is left out."""
        return list(
            self.webinar_speakers.filter(speaker__live=True)
            .select_related("speaker", "speaker__photo")
            # Every rendition, not only the size our template asks for, so a host's override
            # with another size still gets them in the same query.
            .prefetch_related("speaker__photo__renditions")
            .order_by("sort_order")
        )

    def get_contacts(self) -> list[PageContactPerson]:
        """Published contact persons in editor order, in one query whatever their number."""
        return list(
            self.webinar_contacts.filter(contact__live=True)
            .select_related("contact")
            .order_by("sort_order")
        )

    def get_series_id(self) -> int | None:
        return None

    def get_notices(self) -> list[Notice]:
        return list(
            Notice.objects.current()
            .for_series(self.get_series_id())
            .filter(locale_id=self.locale_id)
            .select_related("link_page")
        )


class WebinarSeriesPageMixin(RegistrationSettingsMixin, WebinarPageMixin):
    """A series of webinars ("En seminarieserie"); its sessions are its child pages."""

    body = StreamField(webinar_blocks.programme_blocks(), verbose_name=_("body"), blank=True)
    personal_data_retention_days = models.PositiveIntegerField(
        _("erase personal data after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after each webinar of the series ends that its registrants' names, addresses "
            "and answers are erased. Leave empty to follow the site's rule; only a shorter "
            "period than the site's can be set here."
        ),
    )

    webinar_page_kind = "series"

    class Meta:
        abstract = True

    content_panels = [
        TitleFieldPanel("title"),
        FieldPanel("lead"),
        FieldPanel("audience"),
        FieldPanel("body"),
        InlinePanel("webinar_contacts", heading=_("Contact persons"), label=_("Contact person")),
        FieldPanel("technical_help"),
        *RegistrationSettingsMixin.registration_panels,
        InlinePanel("registration_questions", heading=_("Questions"), label=_("Question")),
        MultiFieldPanel(
            [FieldPanel("personal_data_retention_days")], heading=_("Personal data")
        ),
    ]

    search_fields = [
        index.SearchField("lead"),
        index.SearchField("audience"),
        index.SearchField("body"),
    ]

    api_fields = [
        APIField("lead"),
        APIField("audience"),
        APIField("body"),
        APIField("webinar_contacts", serializer=PageContactsField()),
        APIField("technical_help", serializer=TechnicalHelpField()),
        APIField("sessions", serializer=SeriesSessionsField()),
        APIField("registration", serializer=RegistrationField()),
        APIField("notices", serializer=PageNoticesField()),
    ]

    def clean(self) -> None:
        super().clean()
        days = self.personal_data_retention_days
        site_days = webinar_settings.PERSONAL_DATA_RETENTION_DAYS
        if days is not None and site_days is not None and days > site_days:
            raise ValidationError(
                {
                    "personal_data_retention_days": ngettext(
                        "The site erases personal data after %(days)d day; a series can only "
                        "shorten it.",
                        "The site erases personal data after %(days)d days; a series can only "
                        "shorten it.",
                        site_days,
                    )
                    % {"days": site_days}
                }
            )

    def get_sessions_queryset(self):
        # Already the concrete session model: .specific() would only add queries.
        return session_page_model().objects.child_of(self).live().public()

    def get_sessions(self, now: datetime.datetime | None = None):
        """Upcoming sessions first (soonest first), then past ones (latest first)."""
        now = now or timezone.now()
        sessions = list(self.get_sessions_queryset().order_by("start"))
        upcoming = [s for s in sessions if s.end >= now]
        past = [s for s in sessions if s.end < now]
        past.reverse()
        return upcoming, past

    def get_series_id(self) -> int | None:
        return self.pk

    @property
    def sessions(self):
        """For the API: every session of the series, upcoming first."""
        upcoming, past = self.get_sessions()
        return upcoming + past

    #: The query parameters of the two lists' pages: ``?sida=2`` (upcoming), ``?tidigare=2``.
    upcoming_page_param = "sida"
    past_page_param = "tidigare"

    def get_context(self, request, *args, **kwargs):
        """``upcoming_sessions`` and ``past_sessions`` are every date; ``upcoming_page`` and
        ``past_page`` the page of each that is shown (``SERIES_SESSIONS_PER_PAGE`` dates, the
        number from ``?sida=`` and ``?tidigare=``), a Django ``Page`` each. ``past_open`` says
        whether the past dates, collapsed by default, are shown open."""
        context = super().get_context(request, *args, **kwargs)
        sessions = SimpleLazyObject(self.get_sessions)
        if request is not None:
            # The registration form of the same request shows the same dates: it reads them
            # from here (registration/presentation.py) instead of fetching every date again.
            request.__dict__.setdefault(SERIES_SESSIONS_MEMO, {})[self.pk] = sessions
        per_page = webinar_settings.SERIES_SESSIONS_PER_PAGE
        query = request.GET if request is not None else {}
        context["upcoming_sessions"] = SimpleLazyObject(lambda: sessions[0])
        context["past_sessions"] = SimpleLazyObject(lambda: sessions[1])
        context["upcoming_page"] = SimpleLazyObject(
            lambda: sessions_page(sessions[0], query.get(self.upcoming_page_param), per_page)
        )
        context["past_page"] = SimpleLazyObject(
            lambda: sessions_page(sessions[1], query.get(self.past_page_param), per_page)
        )
        context["upcoming_page_param"] = self.upcoming_page_param
        context["past_page_param"] = self.past_page_param
        context["past_open"] = self.past_page_param in query
        return context

    def get_cache_boundaries(self, context, now):
        # An upcoming session goes live at its start and moves to the past dates after its end.
        boundaries = super().get_cache_boundaries(context, now)
        for session in context["upcoming_sessions"]:
            boundaries += [session.start, session.end + datetime.timedelta(microseconds=1)]
        return boundaries

    def get_shared_cache_boundaries(self, context, now):
        # Each date's own registration window opens or closes its box in the series form.
        boundaries = super().get_shared_cache_boundaries(context, now)
        for session in context["upcoming_sessions"]:
            boundaries += [session.registration_opens_at, session.registration_closes_at]
        return boundaries


#: The request attribute under which a series page keeps its dates, ``{page id: (upcoming,
#: past)}``, for the registration form rendered in the same request.
SERIES_SESSIONS_MEMO = "_wagtail_webinars_series_sessions"


def sessions_page(sessions: list, number: str | None, per_page: int) -> DjangoPage:
    """Page ``number`` of ``sessions``; the first for a number that is no page of the list
    (missing, not a number, out of range), as the listing page does, never an error."""
    paginator = Paginator(sessions, max(1, per_page))
    try:
        return paginator.page(number or 1)
    except (PageNotAnInteger, EmptyPage):
        return paginator.page(1)


class WebinarSessionPageMixin(RegistrationSettingsMixin, WebinarPageMixin):
    """One broadcast: its time, programme, where it is broadcast, speakers and contacts."""

    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
        help_text=_('"Live now" and "Ended" follow from the times and need not be set.'),
    )
    status_note = models.CharField(
        _("note on the status"),
        max_length=255,
        blank=True,
        help_text=_("For example where a postponed session will be held instead."),
    )
    programme = StreamField(
        webinar_blocks.programme_blocks(), verbose_name=_("programme"), blank=True
    )
    stream_url = models.URLField(
        _("stream URL"), blank=True, help_text=_("Where the session is broadcast.")
    )
    join_link_visibility = models.CharField(
        _("join link"),
        max_length=20,
        choices=JoinLinkVisibility.choices,
        default=JoinLinkVisibility.PUBLIC,
    )
    recording_url = models.URLField(
        _("recording URL"), blank=True, help_text=_("Add after the broadcast, if it was recorded.")
    )
    live_captioning = models.BooleanField(_("live captioning"), default=False)
    sign_language = models.BooleanField(_("sign-language interpretation"), default=False)
    registration_form_placement = models.CharField(
        _("where the registration form is shown"),
        max_length=20,
        choices=RegistrationFormPlacement.choices,
        default=RegistrationFormPlacement.AFTER_PROGRAMME,
    )

    # The calendar's memory of the session, written only by the publish rule
    # (registration/changes.py) with an UPDATE of its own, never by a page's save(): a publish
    # that read the page before another editor's publish committed must not put them back.
    calendar_sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        default=0,
        editable=False,
        help_text=_(
            "SEQUENCE of the calendar event; grows with each change registrants are told of."
        ),
    )
    calendar_state = models.JSONField(
        _("published time, link and status"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("What registrants were last told: start, end, join link and status."),
    )
    rescheduled_from = models.DateTimeField(
        _("previous start"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The start before the session was last moved."),
    )

    #: Fields that only the publish rule writes (see ``save()``).
    calendar_fields = ("calendar_sequence", "calendar_state", "rescheduled_from")

    webinar_page_kind = "session"

    class Meta:
        abstract = True

    content_panels = [
        TitleFieldPanel("title"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("status"),
                FieldPanel("status_note"),
            ],
            heading=_("Time and status"),
        ),
        FieldPanel("lead"),
        FieldPanel("audience"),
        InlinePanel("webinar_speakers", heading=_("Speakers"), label=_("Speaker")),
        FieldPanel("programme"),
        MultiFieldPanel(
            [
                FieldPanel("stream_url"),
                FieldPanel("join_link_visibility"),
                FieldPanel("recording_url"),
                FieldRowPanel([FieldPanel("live_captioning"), FieldPanel("sign_language")]),
            ],
            heading=_("Broadcast"),
        ),
        InlinePanel("webinar_contacts", heading=_("Contact persons"), label=_("Contact person")),
        FieldPanel("technical_help"),
        registration_panel(FieldPanel("registration_form_placement")),
        InlinePanel("registration_questions", heading=_("Questions"), label=_("Question")),
    ]

    search_fields = [
        index.SearchField("lead"),
        index.SearchField("audience"),
        index.SearchField("programme"),
        index.FilterField("start"),
        index.FilterField("end"),
        index.FilterField("status"),
    ]

    api_fields = [
        APIField("start", serializer=WebinarDateTimeField()),
        APIField("end", serializer=WebinarDateTimeField()),
        APIField("status"),
        APIField("computed_status"),
        APIField("status_note"),
        APIField("lead"),
        APIField("audience"),
        APIField("programme"),
        APIField("public_stream_url"),
        APIField("recording_url"),
        APIField("live_captioning"),
        APIField("sign_language"),
        APIField("webinar_speakers", serializer=PageSpeakersField()),
        APIField("webinar_contacts", serializer=PageContactsField()),
        APIField("technical_help", serializer=TechnicalHelpField()),
        APIField("registration", serializer=RegistrationField()),
        APIField("notices", serializer=PageNoticesField()),
        APIField("calendar", serializer=SessionCalendarField()),
    ]

    def save(self, *args, **kwargs):
        # A full save of an existing page (a published revision, a script's save()) writes every
        # column but the calendar's: those belong to the publish rule, which locks the row and
        # writes them itself. A revision's copy of them is whatever they were when it was made.
        if kwargs.get("update_fields") is None and not self._state.adding and self.pk:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.calendar_fields
            ]
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The session must end after it starts.")})

    def with_content_json(self, content):
        # A revision restores the page's content, not the calendar's memory of it.
        obj = super().with_content_json(content)
        for name in self.calendar_fields:
            setattr(obj, name, getattr(self, name))
        return obj

    def calendar_snapshot(self) -> dict:
        """What a registrant must know of, in the form ``calendar_state`` keeps: start, end,
        join link and status. A publish that changes it notifies them (registration/changes.py)."""
        return {
            "start": self.start.astimezone(datetime.UTC).isoformat() if self.start else None,
            "end": self.end.astimezone(datetime.UTC).isoformat() if self.end else None,
            "stream_url": self.stream_url,
            "status": self.status,
        }

    @property
    def is_rescheduled(self) -> bool:
        """Moved to another time since registrants first heard of it, and not called off."""
        return bool(
            self.rescheduled_from
            and self.status == SessionStatus.SCHEDULED
            and self.start
            and self.rescheduled_from != self.start
        )

    def get_admin_display_title(self) -> str:
        # The explorer, the breadcrumbs and the page chooser show the date beside the title, so
        # the dates of a series can be told apart without opening each one.
        title = super().get_admin_display_title()
        return f"{title} ({admin_datetime(self.start)})" if self.start else title

    @property
    def registration_form_first(self) -> bool:
        """Whether the form comes right after the lead instead of after the programme."""
        return self.registration_form_placement == RegistrationFormPlacement.BEFORE_PROGRAMME

    def get_computed_status(self, now: datetime.datetime | None = None) -> str:
        if self.status != SessionStatus.SCHEDULED:
            return self.status
        now = now or timezone.now()
        if now < self.start:
            return ComputedStatus.UPCOMING
        if now < self.end:
            return ComputedStatus.LIVE
        return ComputedStatus.ENDED

    @property
    def computed_status(self) -> str:
        return self.get_computed_status()

    @property
    def computed_status_label(self) -> str:
        return ComputedStatus(self.computed_status).label

    @property
    def public_stream_url(self) -> str:
        """The join link where the editor publishes it; empty when it goes only to registrants."""
        if self.join_link_visibility == JoinLinkVisibility.PUBLIC:
            return self.stream_url
        return ""

    @cached_property
    def series(self):
        """The series this session belongs to (its parent page), or None."""
        if self.depth is None or self.depth <= 1:
            return None
        # One query for the parent as a series, instead of get_parent() and then .specific.
        # get(), not first(): paths are unique, and first()'s ORDER BY made this read, which
        # every view of a session page makes, a third slower.
        model = series_page_model()

        def read():
            try:
                return model.objects.get(path=self.path[: -self.steplen])
            except model.DoesNotExist:
                return None

        # Every view reads it, for the registration's capacity and questions: kept in the page
        # cache until a page changes (publish, unpublish, move and delete all count).
        return page_cache.cached_until_changed(f"wagtail_webinars:series-of:{self.pk}", read)

    def get_series_id(self) -> int | None:
        series = self.series
        return series.pk if series else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # self.series is a cached_property: read once, whether by a fragment or the registration.
        context["series"] = SimpleLazyObject(lambda: self.series)
        context["series_upcoming_sessions"] = SimpleLazyObject(
            lambda: self.series.get_sessions()[0] if self.series else []
        )
        # What the page lists of them: the soonest SERIES_SESSIONS_PER_PAGE, then a link to the
        # series page, which pages through them all.
        context["series_upcoming_shown"] = SimpleLazyObject(
            lambda: context["series_upcoming_sessions"][
                : webinar_settings.SERIES_SESSIONS_PER_PAGE
            ]
        )
        context["computed_status"] = self.computed_status
        return context

    def get_cache_boundaries(self, context, now):
        # This session goes live and ends; the series' other dates likewise.
        boundaries = [*super().get_cache_boundaries(context, now), self.start, self.end]
        for session in context["series_upcoming_sessions"]:
            boundaries += [session.start, session.end + datetime.timedelta(microseconds=1)]
        return boundaries


class WebinarListingPageMixin(models.Model):
    """Upcoming sessions of the site, or of the section under a chosen page, paginated."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    section = models.ForeignKey(
        page_model_name(),
        verbose_name=_("only sessions under"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to list the sessions of the whole site."),
    )

    webinar_page_kind = "listing"

    class Meta:
        abstract = True

    content_panels = [TitleFieldPanel("title"), FieldPanel("intro"), FieldPanel("section")]
    search_fields = [index.SearchField("intro")]
    api_fields = [APIField("intro")]

    def get_template(self, request, *args, **kwargs):
        return [
            f"wagtail_webinars/pages/{self._meta.model_name}.html",
            "wagtail_webinars/pages/listing.html",
        ]

    def get_sessions_queryset(self, request: HttpRequest, past: bool = False):
        qs = session_page_model().objects.live().public()
        root = self.section
        if root is None:
            site = self.get_site()
            root = site.root_page if site else None
        if root is not None:
            qs = qs.descendant_of(root)
        now = timezone.now()
        if past:
            return qs.filter(end__lt=now).order_by("-start")
        return qs.filter(end__gte=now).order_by("start")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        past = request.GET.get("visa") == "tidigare" or request.GET.get("show") == "past"
        paginator = Paginator(
            self.get_sessions_queryset(request, past=past),
            webinar_settings.LISTING_PER_PAGE,
        )
        try:
            sessions = paginator.page(request.GET.get("sida") or request.GET.get("page") or 1)
        except (PageNotAnInteger, EmptyPage):
            sessions = paginator.page(1)
        context.update(
            webinars_base_template=webinar_settings.BASE_TEMPLATE,
            webinars_main_landmark=webinar_settings.MAIN_LANDMARK,
            sessions=sessions,
            showing_past=past,
        )
        return context


# ---------------------------------------------------------------------------------------------
# Concrete pages
# ---------------------------------------------------------------------------------------------


class WebinarPageQuerySet(PageQuerySet):
    """A page queryset that drops the join of the locale when ``only()`` leaves the locale out:
    Django 6.1 refuses a field both deferred and joined, and django-treebeard deletes pages
    through ``.only("path", "depth", "numchild")`` (without this, deleting a session or a
    series failed with a FieldError)."""

    def only(self, *fields):
        clone = super().only(*fields)
        related = clone.query.select_related
        keeps_locale = any(f == "locale" or f.startswith("locale__") for f in fields)
        if isinstance(related, dict) and "locale" in related and not keeps_locale:
            rest = {k: v for k, v in related.items() if k != "locale"}
            clone.query.select_related = rest or False
        return clone


class WebinarPageManager(PageManager.from_queryset(WebinarPageQuerySet)):
    """Joins each page's locale. Wagtail's API v2 reads ``page.locale`` for every page of a
    ``?type=`` listing, through this manager; without the join that is one query per page.
    A site that builds its own pages from our mixins can use it as ``objects`` too."""

    def get_queryset(self):
        return super().get_queryset().select_related("locale")


class WebinarSeriesPage(WebinarSeriesPageMixin, Page):
    subpage_types = ["wagtail_webinars.WebinarSessionPage"]
    content_panels = WebinarSeriesPageMixin.content_panels
    search_fields = Page.search_fields + WebinarSeriesPageMixin.search_fields
    objects = WebinarPageManager()
    api_fields = WebinarSeriesPageMixin.api_fields

    class Meta:
        verbose_name = _("webinar series")
        verbose_name_plural = _("webinar series")
        swappable = swappable_setting("WebinarSeriesPage")


class WebinarSessionPage(WebinarSessionPageMixin, Page):
    subpage_types: list[str] = []
    content_panels = WebinarSessionPageMixin.content_panels
    search_fields = Page.search_fields + WebinarSessionPageMixin.search_fields
    objects = WebinarPageManager()
    api_fields = WebinarSessionPageMixin.api_fields

    class Meta:
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")
        swappable = swappable_setting("WebinarSessionPage")


class WebinarListingPage(WebinarListingPageMixin, Page):
    subpage_types: list[str] = []
    content_panels = WebinarListingPageMixin.content_panels
    search_fields = Page.search_fields + WebinarListingPageMixin.search_fields
    objects = WebinarPageManager()
    api_fields = WebinarListingPageMixin.api_fields

    class Meta:
        verbose_name = _("webinar listing")
        verbose_name_plural = _("webinar listings")
        swappable = swappable_setting("WebinarListingPage")

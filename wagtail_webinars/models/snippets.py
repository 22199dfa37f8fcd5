"""Reusable snippets: speakers, contact persons, notices and the technical-help FAQ.

All of them are translatable with Wagtail's own localisation (so wagtail-localize works), keep
drafts and revisions, and can be previewed.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PublishingPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import (
    DraftStateMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)
from wagtail.search import index

from .. import blocks as webinar_blocks
from ..pagemodel import page_model_name, series_page_model
from ..serializers import AbsoluteImageRenditionField, WebinarDateTimeField


class SnippetBase(
    TranslatableMixin, DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model
):
    """What every snippet of this app shares: localisation, drafts, revisions, preview."""

    class Meta(TranslatableMixin.Meta):
        abstract = True

    def get_preview_template(self, request, mode_name):
        """``wagtail_webinars/previews/<model_name>.html``: the snippet as visitors see it."""
        return f"wagtail_webinars/previews/{self._meta.model_name}.html"

    def get_preview_context(self, request, mode_name):
        """The preview renders in the host's page shell, like our pages do."""
        from ..conf import webinar_settings

        context = super().get_preview_context(request, mode_name)
        context["webinars_base_template"] = webinar_settings.BASE_TEMPLATE
        context["webinars_main_landmark"] = webinar_settings.MAIN_LANDMARK
        # Lets fragments that hide unpublished snippets from visitors show the draft here.
        context["webinars_preview"] = True
        return context


class Speaker(SnippetBase):
    """A speaker ("Inspiratör: Vian Tahir, Nätsäkerhetsexpert"); the role is set per session."""

    name = models.CharField(_("name"), max_length=255)
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_('For example "Nätsäkerhetsexpert".')
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    bio = models.TextField(_("short biography"), blank=True, max_length=1000)
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("organisation")]),
        FieldPanel("bio"),
        FieldPanel("photo"),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("title"),
        index.SearchField("organisation"),
        index.FilterField("locale_id"),
    ]
    api_fields = [
        APIField("name"),
        APIField("title"),
        APIField("organisation"),
        APIField("bio"),
        APIField("photo", serializer=AbsoluteImageRenditionField("fill-240x240", read_only=True)),
    ]

    class Meta(SnippetBase.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        # What the snippet chooser and the admin list show: two speakers with the same name are
        # told apart by their title and organisation.
        return ", ".join(part for part in (self.name, self.title, self.organisation) if part)

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        # Through the page's own fragment, so the preview shows what visitors will see. The
        # page's relation model by name: models.pages imports this module.
        page_speaker = apps.get_model("wagtail_webinars", "PageSpeaker")
        context["speakers"] = [page_speaker(speaker=self)]
        return context


class ContactPerson(SnippetBase):
    """A contact person ("Lena Lindgren, Projektledare"); the role on a page is set per page."""

    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(
        _("role"), max_length=255, blank=True, help_text=_('For example "Projektledare".')
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("organisation")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("role"),
        index.SearchField("organisation"),
        index.FilterField("locale_id"),
    ]
    api_fields = [
        APIField("name"),
        APIField("role"),
        APIField("email"),
        APIField("phone"),
        APIField("organisation"),
    ]

    class Meta(SnippetBase.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.role, self.organisation) if part)

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        page_contact = apps.get_model("wagtail_webinars", "PageContactPerson")
        context["contacts"] = [page_contact(contact=self)]
        return context

    @property
    def phone_uri(self) -> str:
        """The phone number as a ``tel:`` URI, in E.164 when it can be parsed as Swedish."""
        import phonenumbers

        try:
            number = phonenumbers.parse(self.phone, "SE")
        except phonenumbers.NumberParseException:
            return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class NoticeQuerySet(models.QuerySet):
    def current(self, when=None):
        """Published notices whose display period includes ``when`` (now by default)."""
        when = when or timezone.now()
        return self.filter(live=True, show_from__lte=when).filter(
            models.Q(show_until__isnull=True) | models.Q(show_until__gte=when)
        )

    def for_series(self, series_id: int | None):
        """Notices for every webinar page, plus those an editor tied to this series."""
        condition = models.Q(series__isnull=True)
        if series_id is not None:
            condition |= models.Q(series__id=series_id)
        # No .distinct(): with the series condition, a notice matches at most one joined row.
        return self.filter(condition)


def series_pages_only() -> models.Q:
    """The pages a notice can be tied to: series pages (ours, or the one a site swapped in)."""
    from django.contrib.contenttypes.models import ContentType

    return models.Q(content_type=ContentType.objects.get_for_model(series_page_model()))


class Notice(SnippetBase, ClusterableModel):
    """A dated announcement, such as "Så påverkas kurser och konferenser av det nya coronaviruset",
    shown on every webinar page or on the series an editor picks, between two dates."""

    title = models.CharField(_("title"), max_length=255)
    text = RichTextField(_("text"), blank=True, features=["bold", "italic", "link"])
    link_page = models.ForeignKey(
        page_model_name(),
        verbose_name=_("link to a page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link_url = models.URLField(_("or link to a URL"), blank=True)
    link_text = models.CharField(
        _("link text"),
        max_length=255,
        blank=True,
        help_text=_("Say where the link leads. The title is used when empty."),
    )
    show_from = models.DateTimeField(_("show from"), default=timezone.now)
    show_until = models.DateTimeField(_("show until"), null=True, blank=True)
    # To the base page model, not to the (swappable) series page: a site's own series page has a
    # foreign key into this app, so a relation back to it would make the migrations circular.
    series = ParentalManyToManyField(
        page_model_name(),
        limit_choices_to=series_pages_only,
        verbose_name=_("only on these series"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to show the notice on every webinar page."),
    )

    objects = NoticeQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("text"),
        MultiFieldPanel(
            [FieldPanel("link_page"), FieldPanel("link_url"), FieldPanel("link_text")],
            heading=_("Link"),
        ),
        FieldRowPanel([FieldPanel("show_from"), FieldPanel("show_until")], heading=_("Shown")),
        FieldPanel("series"),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("text"),
        index.FilterField("locale_id"),
    ]
    api_fields = [
        APIField("title"),
        APIField("text"),
        APIField("url"),
        APIField("link_label"),
        APIField("show_from", serializer=WebinarDateTimeField()),
        APIField("show_until", serializer=WebinarDateTimeField()),
    ]

    class Meta(SnippetBase.Meta):
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-show_from"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.show_until and self.show_from and self.show_until <= self.show_from:
            raise ValidationError(
                {"show_until": _("The end of the period must be after its start.")}
            )

    @property
    def url(self) -> str:
        if self.link_page_id:
            return self.link_page.url or ""
        return self.link_url

    @property
    def link_label(self) -> str:
        return self.link_text or self.title

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["notices"] = [self]
        return context


class TechnicalHelpFAQ(SnippetBase):
    """Reusable technical-help questions and answers ("Frågor och svar om livesändning")."""

    title = models.CharField(_("title"), max_length=255)
    intro = models.TextField(_("introduction"), blank=True)
    items = StreamField(
        [("item", webinar_blocks.FAQItemBlock())],
        verbose_name=_("questions and answers"),
        blank=True,
    )

    panels = [FieldPanel("title"), FieldPanel("intro"), FieldPanel("items"), PublishingPanel()]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("intro"),
        index.SearchField("items"),
        index.FilterField("locale_id"),
    ]
    api_fields = [APIField("title"), APIField("intro"), APIField("items")]

    class Meta(SnippetBase.Meta):
        verbose_name = _("technical help FAQ")
        verbose_name_plural = _("technical help FAQs")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

"""Serializers that nest our snippets, relations and sessions in Wagtail's API v2.

They are named in the models' ``api_fields``, so they work with the host's own
``PagesAPIViewSet``: no viewset of ours has to be registered for pages.

Query counts stay fixed whatever the number of pages in a response. Wagtail's pages listing has
no hook for ``prefetch_related``, but every field below is serialised under DRF's root
serializer, whose ``instance`` is the whole page of results (one object on a detail view). The
first time a field is read, it prefetches its relation for all of those objects in one go
(``prefetch_for_response``); every later object finds the rows in its prefetch cache.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone, translation
from rest_framework import serializers
from wagtail.images.api.fields import ImageRenditionField

from . import calendar_links
from .dates import isoformat
from .language import visitor_language
from .pagemodel import series_page_model, session_page_model


def response_instances(field: serializers.Field, instance: Model) -> list[Model]:
    """The objects serialised in the same response as ``instance`` (itself included).

    ``field.root.instance`` is the list (or queryset, by now evaluated) handed to the root
    serializer; on a detail view it is ``instance`` alone.
    """
    root_instance = getattr(field.root, "instance", None)
    if isinstance(root_instance, QuerySet):
        root_instance = list(root_instance)  # already evaluated: served from its result cache
    if isinstance(root_instance, Iterable) and not isinstance(root_instance, Model):
        siblings = [obj for obj in root_instance if type(obj) is type(instance)]
        if any(obj is instance for obj in siblings):
            return siblings
    return [instance]


def prefetch_for_response(
    field: serializers.Field, instance: Model, *lookups: str | Prefetch
) -> None:
    """Prefetch ``lookups`` for every object of the response not already holding them."""
    cache_name = lookups[0].to_attr if isinstance(lookups[0], Prefetch) else lookups[0]
    if cache_name in getattr(instance, "_prefetched_objects_cache", {}):
        return
    pending = [
        obj
        for obj in response_instances(field, instance)
        if cache_name not in getattr(obj, "_prefetched_objects_cache", {})
    ]
    prefetch_related_objects(pending, *lookups)


class WebinarDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the offset, in the webinars' time zone (``TIME_ZONE`` setting), so
    "2027-03-13T10:00:00+01:00" rather than the UTC "Z" form DRF writes by default."""

    def to_representation(self, value: datetime.datetime | None) -> str | None:
        return isoformat(value) or None


class AbsoluteImageRenditionField(ImageRenditionField):
    """Wagtail's rendition field, with ``full_url`` made absolute from the request when
    ``WAGTAILADMIN_BASE_URL`` is not set (a headless frontend on another host needs it)."""

    def to_representation(self, image):
        data = super().to_representation(image)
        request = self.context.get("request")
        full_url = data.get("full_url")
        if request is not None and full_url and full_url.startswith("/"):
            data["full_url"] = request.build_absolute_uri(full_url)
        return data


class SpeakerSerializer(serializers.Serializer):
    """A speaker nested in a page (plain fields rather than a ModelSerializer so that the models
    can name these serializers in their ``api_fields`` without a circular import)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    organisation = serializers.CharField(read_only=True)
    bio = serializers.CharField(read_only=True)
    photo = AbsoluteImageRenditionField("fill-240x240", read_only=True)


class ContactPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    organisation = serializers.CharField(read_only=True)


class TechnicalHelpFAQSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    intro = serializers.CharField(read_only=True)
    items = serializers.SerializerMethodField()

    def get_items(self, faq) -> list[dict[str, Any]]:
        return faq.items.stream_block.get_api_representation(faq.items, self.context)


class PageSnippetsField(serializers.Field):
    """A page's published snippets of one kind (speakers, contact persons) in editor order, each
    with its role on that page, read through the page's ordered relation (``webinar_speakers``).

    ``snippet`` names the relation's foreign key to the snippet (``"speaker"``), ``serializer``
    the snippet's serializer; ``select_related`` and ``prefetch`` are what one item needs, fetched
    once for every page of the response.
    """

    def __init__(
        self,
        *,
        snippet: str,
        serializer: type[serializers.Serializer],
        select_related: Iterable[str] = (),
        prefetch: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.snippet = snippet
        self.serializer = serializer
        self.select_related = (snippet, *select_related)
        self.prefetch = tuple(prefetch)

    def get_attribute(self, instance: Model) -> list[Any]:
        relation = self.source
        # The relation's model from the page itself: no import of the models, which name
        # this field in their api_fields.
        item_model = instance._meta.get_field(relation).related_model
        prefetch_for_response(
            self,
            instance,
            Prefetch(
                relation,
                queryset=item_model.objects.filter(**{f"{self.snippet}__live": True})
                .select_related(*self.select_related)
                .order_by("sort_order"),
            ),
            *self.prefetch,
        )
        return list(getattr(instance, relation).all())

    def to_representation(self, items: list[Any]) -> list[dict[str, Any]]:
        serializer = self.serializer(context=self.context)
        return [
            {
                "role": item.role,
                self.snippet: serializer.to_representation(getattr(item, self.snippet)),
            }
            for item in items
        ]


class PageSpeakersField(PageSnippetsField):
    """A page's published speakers (``webinar_speakers``), each with their role on the page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            snippet="speaker",
            serializer=SpeakerSerializer,
            select_related=["speaker__photo"],
            prefetch=["webinar_speakers__speaker__photo__renditions"],
            **kwargs,
        )


class PageContactsField(PageSnippetsField):
    """A page's published contact persons (``webinar_contacts``), each with their role."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(snippet="contact", serializer=ContactPersonSerializer, **kwargs)


class TechnicalHelpField(serializers.Field):
    """The page's technical-help FAQ, nested, or ``null`` when there is none or it is a draft."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Model) -> Any:
        if instance.technical_help_id is None:
            return None
        # A forward foreign key has no prefetch cache entry; Django keeps it in the field cache.
        if not instance._meta.get_field("technical_help").is_cached(instance):
            pending = [
                obj
                for obj in response_instances(self, instance)
                if not obj._meta.get_field("technical_help").is_cached(obj)
            ]
            prefetch_related_objects(pending, "technical_help")
        return instance.technical_help

    def to_representation(self, faq: Any) -> dict[str, Any] | None:
        if faq is None or not faq.live:
            return None
        return TechnicalHelpFAQSerializer(faq, context=self.context).data


class SessionSummarySerializer(serializers.Serializer):
    """One session inside a series: enough to list it and link to it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    start = WebinarDateTimeField(read_only=True)
    end = WebinarDateTimeField(read_only=True)
    computed_status = serializers.CharField(read_only=True)

    def get_url(self, session) -> str | None:
        return session.get_full_url(self.context.get("request"))


class SeriesSessionsField(serializers.Field):
    """A series' published sessions, upcoming first (soonest first), then past (latest first),
    as ``SessionSummarySerializer`` summaries. One query for all series in the response."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Model) -> list[Any]:
        cache = getattr(instance, "_webinar_api_sessions", None)
        if cache is None:
            series_list = response_instances(self, instance)
            by_parent = self._fetch_children(series_list)
            for series in series_list:
                series._webinar_api_sessions = by_parent.get(series.path, [])
            cache = instance._webinar_api_sessions
        now = timezone.now()
        upcoming = [s for s in cache if s.end >= now]
        past = [s for s in cache if s.end < now]
        past.reverse()
        return upcoming + past

    @staticmethod
    def _fetch_children(series_list: list[Any]) -> dict[str, list[Any]]:
        condition = Q()
        for series in series_list:
            condition |= Q(path__startswith=series.path, depth=series.depth + 1)
        sessions = session_page_model().objects.live().public().filter(condition).order_by("start")
        by_parent: dict[str, list[Any]] = {}
        steplen = session_page_model().steplen
        for session in sessions:
            by_parent.setdefault(session.path[:-steplen], []).append(session)
        return by_parent

    def to_representation(self, sessions: list[Any]) -> list[dict[str, Any]]:
        return SessionSummarySerializer(sessions, many=True, context=self.context).data


def _api_language(request) -> str:
    """``?lang=sv|en``, else the request's Accept-Language (``language.py``)."""
    return visitor_language(request, request.GET.get("lang") if request is not None else None)


class RegistrationField(serializers.Field):
    """A session's or series' ``registration`` object: what its page knows about registering,
    the form included, as ``registration/presentation.py`` builds it for the page itself. Read
    fresh on every request; a fixed number of queries for all sessions of a listing.

    Content cannot import the registration rules (they import the models, which name this
    field), so ``AppConfig.ready()`` hands the builders in: ``RegistrationField.connect()``.
    """

    #: ``(sessions, request) -> {pk: object}``, likewise for series, and ``page -> bool``.
    build_sessions: Any = None
    build_series: Any = None
    is_series: Any = None

    @classmethod
    def connect(cls, *, build_sessions, build_series, is_series) -> None:
        cls.build_sessions = staticmethod(build_sessions)
        cls.build_series = staticmethod(build_series)
        cls.is_series = staticmethod(is_series)

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Model) -> Any:
        return instance

    def to_representation(self, page: Any) -> dict[str, Any]:
        request = self.context.get("request")
        with translation.override(_api_language(request)):
            cached = getattr(page, "_webinar_api_registration", None)
            if cached is None:
                series = self.is_series(page)
                pages = [p for p in response_instances(self, page) if self.is_series(p) == series]
                build = self.build_series if series else self.build_sessions
                built = build(pages, request)
                for each in pages:
                    each._webinar_api_registration = built[each.pk]
                cached = page._webinar_api_registration
            return cached


def response_series_ids(field: serializers.Field, page: Model) -> int | None:
    """The id of the series ``page`` belongs to: its own for a series, its parent's for a session
    whose parent is a series, else ``None``. One query for every session of the response."""
    if hasattr(page, "_webinar_api_series_id"):
        return page._webinar_api_series_id
    series_model = series_page_model()
    if isinstance(page, series_model):
        page._webinar_api_series_id = page.pk
        return page.pk
    pages = [
        p
        for p in response_instances(field, page)
        if type(p) is type(page) and not hasattr(p, "_webinar_api_series_id")
    ]
    steplen = series_model.steplen
    parents = dict(
        series_model.objects.filter(path__in={p.path[:-steplen] for p in pages}).values_list(
            "path", "pk"
        )
    )
    for each in pages:
        each._webinar_api_series_id = parents.get(each.path[:-steplen])
    return page._webinar_api_series_id


class NoticeSerializer(serializers.Serializer):
    """A notice nested in a page: the fields of ``/api/v2/webinar_notices/``."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    link_label = serializers.CharField(read_only=True)
    show_from = WebinarDateTimeField(read_only=True)
    show_until = WebinarDateTimeField(read_only=True)


class PageNoticesField(serializers.Field):
    """The notices the page shows now (``get_notices()``: published, within their dates, in the
    page's language, for every webinar page or for this page's series), newest first. Two queries
    for all pages of the response, whatever their number."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Model) -> list[Any]:
        if not hasattr(instance, "_webinar_api_notices"):
            self._fetch(instance)
        return instance._webinar_api_notices

    def _fetch(self, instance: Model) -> None:
        # The notice model from the page's own relation would need a field; the app registry
        # gives it without importing the models, which name this field.
        from django.apps import apps

        notice_model = apps.get_model("wagtail_webinars", "Notice")
        series_pages = notice_model._meta.get_field("series").related_model
        pages = [
            p
            for p in response_instances(self, instance)
            if type(p) is type(instance) and not hasattr(p, "_webinar_api_notices")
        ]
        series_of = {p.pk: response_series_ids(self, p) for p in pages}
        notices = list(
            notice_model.objects.current()
            .filter(locale_id__in={p.locale_id for p in pages})
            .select_related("link_page")
            .prefetch_related(Prefetch("series", queryset=series_pages.objects.only("pk")))
            .order_by("-show_from", "pk")
        )
        for page in pages:
            page._webinar_api_notices = [
                notice
                for notice in notices
                if notice.locale_id == page.locale_id
                and (
                    not notice.series.all()
                    or any(s.pk == series_of[page.pk] for s in notice.series.all())
                )
            ]

    def to_representation(self, notices: list[Any]) -> list[dict[str, Any]]:
        return NoticeSerializer(notices, many=True, context=self.context).data


class SessionCalendarField(serializers.Field):
    """The ways to put a session into a calendar, from ``calendar_links`` (the page's own
    links): ``ics``, ``google``, ``outlook``, the series' feed (``https`` and ``webcal``) or
    ``null``, and the site's feed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Model) -> Any:
        return instance

    def to_representation(self, session: Any) -> dict[str, Any]:
        request = self.context.get("request")
        links = calendar_links.session_links(session, request)
        series_id = response_series_ids(self, session)
        series_feed = None
        if series_id is not None:
            series = series_page_model()(pk=series_id)
            feed = calendar_links.series_feed(series, request)
            series_feed = {"https": feed.https, "webcal": feed.webcal}
        site = calendar_links.site_feed(request)
        return {
            "ics": links.ics,
            "google": links.google,
            "outlook": links.outlook,
            "series_feed": series_feed,
            "site_feed": {"https": site.https, "webcal": site.webcal},
        }

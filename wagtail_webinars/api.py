"""Wagtail API v2 endpoints for this app's snippets and a session listing. A host registers them
on its own router:

    from wagtail_webinars.api import register_api_endpoints
    register_api_endpoints(api_router)

Pages need nothing of ours: the page types' ``api_fields`` serve them through the host's own
``PagesAPIViewSet`` (see docs/api.md), with a fixed number of queries per response.
``webinar_sessions`` is Wagtail's pages endpoint narrowed to sessions, with the filters a listing
needs (``upcoming``, ``series``, ``status``) and soonest first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from rest_framework import status as http_status
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, parse_boolean
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet

from .jsonapi import error_body
from .models import ComputedStatus, ContactPerson, Notice, SessionStatus, Speaker, TechnicalHelpFAQ
from .pagemodel import series_page_model, session_page_model


class FilterValueError(BadRequestError):
    """A filter parameter with a value it does not take; ``param`` names it for ``errors``."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


class EnvelopeErrorsMixin:
    """API v2 errors in the package's one envelope (``jsonapi.error_body``): Wagtail's own
    ``{"message"}`` plus ``code`` and ``errors``, so a client of either shape reads it."""

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response(
                error_body("not_found", str(exc)), status=http_status.HTTP_404_NOT_FOUND
            )
        if isinstance(exc, BadRequestError):
            errors = {exc.param: [str(exc)]} if isinstance(exc, FilterValueError) else {}
            return Response(
                error_body("bad_request", str(exc), errors), status=http_status.HTTP_400_BAD_REQUEST
            )
        return super().handle_exception(exc)


#: The query parameters of ``SessionFilter``; Wagtail's field filter leaves them alone.
SESSION_FILTERS = ("upcoming", "series", "status")


def computed_status_q(value: str, now) -> Q:
    """The sessions whose ``computed_status`` (``get_computed_status``) is ``value``, in SQL."""
    scheduled = Q(status=SessionStatus.SCHEDULED)
    return {
        ComputedStatus.UPCOMING: scheduled & Q(start__gt=now),
        ComputedStatus.LIVE: scheduled & Q(start__lte=now, end__gt=now),
        ComputedStatus.ENDED: scheduled & Q(end__lte=now),
        ComputedStatus.CANCELLED: Q(status=SessionStatus.CANCELLED),
        ComputedStatus.POSTPONED: Q(status=SessionStatus.POSTPONED),
    }[value]


class SessionFilter(BaseFilterBackend):
    """``?upcoming=true`` (start on or after now), ``?series=<id>`` (the sessions of one series),
    ``?status=upcoming,live`` (their ``computed_status``, any of a comma-separated list). A value
    a filter does not take is 400, never an empty list that looks like "no webinars"."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        now = timezone.now()
        if "upcoming" in request.GET:
            try:
                upcoming = parse_boolean(request.GET["upcoming"])
            except ValueError as error:
                raise FilterValueError("upcoming", "upcoming must be true or false") from error
            if upcoming:
                queryset = queryset.filter(start__gte=now)
        if "series" in request.GET:
            queryset = queryset.filter(path__in=self._series_children(request.GET["series"]))
        if "status" in request.GET:
            values = [v.strip() for v in request.GET["status"].split(",")]
            unknown = [v for v in values if v not in ComputedStatus.values]
            if unknown or not values:
                raise FilterValueError(
                    "status",
                    "status takes " + ", ".join(ComputedStatus.values) + ", comma-separated",
                )
            condition = Q()
            for value in values:
                condition |= computed_status_q(value, now)
            queryset = queryset.filter(condition)
        return queryset

    @staticmethod
    def _series_children(value: str):
        """A subquery of the paths the children of series ``value`` may have."""
        series_model = series_page_model()
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise FilterValueError("series", "series must be the id of a webinar series")
        series = series_model.objects.filter(pk=int(value)).values_list("path", flat=True).first()
        if series is None:
            raise FilterValueError("series", "series must be the id of a webinar series")
        steplen = series_model.steplen
        # Children: the series' path plus one step; found by prefix and depth in the view's
        # queryset, as a list of one pattern would be.
        return (
            session_page_model()
            .objects.filter(path__startswith=series, depth=len(series) // steplen + 1)
            .values("path")
        )


class SessionFieldsFilter(FieldsFilter):
    """Wagtail's field filter (``?start=…``), except for our filters: ``status`` there would
    be the editor's stored status, not the ``computed_status`` our ``status`` filter means."""

    def filter_queryset(self, request, queryset, view):
        view_request = request
        if any(name in request.GET for name in SESSION_FILTERS):
            view_request = _WithoutParams(request, SESSION_FILTERS)
        return super().filter_queryset(view_request, queryset, view)


class _WithoutParams:
    """``request`` whose ``GET`` lacks ``names`` (a filter backend reads nothing else)."""

    def __init__(self, request, names) -> None:
        self._request = request
        self.GET = request.GET.copy()
        for name in names:
            self.GET.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


#: Beyond any page id or count: an offset past it would overflow the database's integers (a 500).
MAX_OFFSET = 2**31 - 1


class SessionsPagination(WagtailPagination):
    """Wagtail's ``limit``/``offset`` paging, with an offset the database can take."""

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0")
        if offset.isascii() and offset.isdigit() and int(offset) > MAX_OFFSET:
            raise FilterValueError("offset", f"offset must be at most {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class SessionsAPIViewSet(EnvelopeErrorsMixin, PagesAPIViewSet):
    """``/api/v2/webinar_sessions/``: published sessions, soonest first, with every API v2 pages
    feature (``fields``, ``limit``/``offset``, ``order``, ``descendant_of``, ``search``…) and the
    listing filters of ``SessionFilter``. The items are those of ``/api/v2/pages/``: detail
    links point to the pages endpoint."""

    filter_backends = [
        SessionFieldsFilter,
        SessionFilter,
        *(b for b in PagesAPIViewSet.filter_backends if b is not FieldsFilter),
    ]
    known_query_parameters = (PagesAPIViewSet.known_query_parameters - {"type"}).union(
        SESSION_FILTERS
    )
    name = "webinar_sessions"
    pagination_class = SessionsPagination
    #: How ``openapi.py`` finds this endpoint on the host's router, wherever it is mounted.
    openapi_operation = "listSessions"
    #: The site's session page model (swappable), set by ``bound()`` when it is registered.
    model = None

    @classmethod
    def bound(cls) -> type[SessionsAPIViewSet]:
        """This viewset for the site's session page model, which is only known once the apps
        are loaded (``register_api_endpoints`` calls it)."""
        if cls.model is not None:
            return cls
        return type(
            cls.__name__, (cls,), {"model": session_page_model(), "__module__": cls.__module__}
        )

    def get_queryset(self):
        return (
            session_page_model()
            .objects.filter(pk__in=self.get_base_queryset().values_list("pk", flat=True))
            .order_by("start", "pk")
        )


class LiveSnippetAPIViewSet(BaseAPIViewSet):
    """Lists published snippets only; drafts stay in the admin. The fields are the model's
    ``api_fields``; ``fields=*`` or the detail view shows them all."""

    def get_queryset(self):
        return self.model.objects.filter(live=True).order_by("id")


class SpeakersAPIViewSet(LiveSnippetAPIViewSet):
    model = Speaker
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "title"]

    def get_queryset(self):
        # The photo and its renditions for every speaker of the page of results, in two queries.
        return super().get_queryset().select_related("photo").prefetch_related("photo__renditions")


class ContactPersonsAPIViewSet(LiveSnippetAPIViewSet):
    model = ContactPerson
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "role"]


class NoticesAPIViewSet(LiveSnippetAPIViewSet):
    """Notices shown now (published, within their dates), newest first."""

    model = Notice
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["title", "show_from"]

    def get_queryset(self):
        return Notice.objects.current().select_related("link_page").order_by("-show_from", "id")


class TechnicalHelpAPIViewSet(LiveSnippetAPIViewSet):
    model = TechnicalHelpFAQ
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["title"]


ENDPOINTS: dict[str, type[BaseAPIViewSet]] = {
    "webinar_sessions": SessionsAPIViewSet,
    "webinar_speakers": SpeakersAPIViewSet,
    "webinar_contacts": ContactPersonsAPIViewSet,
    "webinar_notices": NoticesAPIViewSet,
    "webinar_technical_help": TechnicalHelpAPIViewSet,
}


def register_api_endpoints(router: WagtailAPIRouter, prefix: str = "") -> None:
    """Register every endpoint of this app on the host's API v2 router, under the names in
    ``ENDPOINTS`` (``/api/v2/webinar_speakers/`` …), optionally with ``prefix`` before each."""
    for name, viewset in ENDPOINTS.items():
        bound = getattr(viewset, "bound", None)
        router.register_endpoint(prefix + name, bound() if bound else viewset)

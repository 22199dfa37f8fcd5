"""Calendar files of wagtail_webinars (pages themselves are served by Wagtail): a session's
.ics, a series' feed and the whole site's feed, the last two to subscribe to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .ical import SessionFeed, get_calendar_class
from .pagemodel import series_page_model, session_page_model

#: Longest file name, in characters, before ".ics".
FILENAME_MAX_LENGTH = 60


def calendar_filename(title: str) -> str:
    """The title as a file name, cut between words: "det-demokratiska-samtalet.ics"."""
    slug = slugify(title) or "webinar"
    if len(slug) > FILENAME_MAX_LENGTH:
        cut = slug[: FILENAME_MAX_LENGTH + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:FILENAME_MAX_LENGTH]
    return f"{slug}.ics"


def calendar_response(calendar, title: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=calendar.content_type())
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{calendar_filename(title)}"'
    return response


def _public_sessions():
    return session_page_model().objects.live().public().order_by("start", "pk")


@require_GET
def session_calendar(request: HttpRequest, page_id: int) -> HttpResponse:
    """The session's .ics file, for "Lägg till i kalender"."""
    session = get_object_or_404(_public_sessions(), pk=page_id)
    return calendar_response(get_calendar_class()(session, request), session.title, attachment=True)


@require_GET
def series_calendar(request: HttpRequest, page_id: int) -> HttpResponse:
    """Every published date of a series, as a feed to subscribe to (``webcal://``)."""
    series = get_object_or_404(series_page_model().objects.live().public(), pk=page_id)
    sessions = _public_sessions().child_of(series)
    return calendar_response(
        SessionFeed(sessions, series.title, request), series.title, attachment=False
    )


@require_GET
def site_calendar(request: HttpRequest) -> HttpResponse:
    """Every published webinar of the site the request is for, as a feed to subscribe to."""
    site = Site.find_for_request(request)
    sessions = _public_sessions()
    name = gettext("Webinars")
    if site is not None:
        sessions = sessions.descendant_of(site.root_page)
        name = gettext("Webinars, %(site)s") % {"site": site.site_name or site.hostname}
    return calendar_response(SessionFeed(sessions, name, request), name, attachment=False)

"""Links that put a webinar into a calendar: the .ics file, Google Calendar and Outlook.com
"add event" pages, and the series' and site's feeds to subscribe to (``webcal://``).

The add-event pages get the same title, times, place and text as the .ics file, from the site's
calendar class (``CALENDAR_CLASS``), so all three agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpRequest
from django.urls import reverse

from .ical import get_calendar_class

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR = "https://outlook.live.com/calendar/0/action/compose"


@dataclass(frozen=True)
class SessionCalendarLinks:
    ics: str
    google: str
    outlook: str


@dataclass(frozen=True)
class FeedLinks:
    """A feed's address (``https:``, to download or paste) and its ``webcal:`` form, which
    calendar programs open as a subscription."""

    https: str
    webcal: str


def absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def webcal(url: str) -> str:
    """``https://host/feed.ics`` → ``webcal://host/feed.ics``; a relative URL stays as it is."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return url
    return urlunsplit(("webcal", *parts[1:]))


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_links(session: Any, request: HttpRequest | None = None) -> SessionCalendarLinks:
    """The three ways to put one session into a calendar."""
    event = get_calendar_class()(session, request)
    title, description, location = (
        event.item_summary(),
        event.item_description(),
        event.item_location(),
    )
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(session.start)}/{_utc(session.end)}",
        "details": description,
        "location": location,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": session.start.astimezone(datetime.UTC).isoformat(),
        "enddt": session.end.astimezone(datetime.UTC).isoformat(),
        "body": description,
        "location": location,
    }
    return SessionCalendarLinks(
        ics=absolute(request, reverse("wagtail_webinars:session_calendar", args=[session.pk])),
        google=f"{GOOGLE_CALENDAR}?{urlencode(google)}",
        outlook=f"{OUTLOOK_CALENDAR}?{urlencode(outlook)}",
    )


def series_feed(series: Any, request: HttpRequest | None = None) -> FeedLinks:
    url = absolute(request, reverse("wagtail_webinars:series_calendar", args=[series.pk]))
    return FeedLinks(https=url, webcal=webcal(url))


def site_feed(request: HttpRequest | None = None) -> FeedLinks:
    url = absolute(request, reverse("wagtail_webinars:site_calendar"))
    return FeedLinks(https=url, webcal=webcal(url))

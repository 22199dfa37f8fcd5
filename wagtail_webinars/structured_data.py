"""schema.org markup for sessions, so search engines can list them as online events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .dates import isoformat

if TYPE_CHECKING:
    from django.http import HttpRequest

SCHEMA = "https://schema.org/"

# The editor's status, not the clock's: a scheduled session is "EventScheduled" before, during
# and after its broadcast; only a cancellation, a postponement or a move changes it.
EVENT_STATUS = {
    "cancelled": SCHEMA + "EventCancelled",
    "postponed": SCHEMA + "EventPostponed",
}
RESCHEDULED = SCHEMA + "EventRescheduled"


def event_status(session: Any) -> str:
    """``EventCancelled``, ``EventPostponed``, ``EventRescheduled`` for a session moved since it
    was first announced (``rescheduled_from``), else ``EventScheduled``."""
    if session.status in EVENT_STATUS:
        return EVENT_STATUS[session.status]
    if getattr(session, "is_rescheduled", False):
        return RESCHEDULED
    return SCHEMA + "EventScheduled"


def _site_root(session: Any, request: HttpRequest | None) -> str:
    """The session's site's root URL without the final slash, from Wagtail's cached site root
    paths (no query, however many images), or "" when the page has no site."""
    url_parts = session.get_url_parts(request)
    return url_parts[1].rstrip("/") if url_parts and url_parts[1] else ""


def _absolute(request: HttpRequest | None, session: Any, url: str) -> str:
    # On the session's own site, like the event's url, whichever host the request came by.
    if not url or "://" in url:
        return url
    root = _site_root(session, request)
    if root:
        return f"{root}{url}"
    return request.build_absolute_uri(url) if request is not None else url


def organizer(session: Any, request: HttpRequest | None = None) -> dict[str, Any] | None:
    """The site's organisation (``WAGTAIL_SITE_NAME``) with the site's address."""
    name = getattr(settings, "WAGTAIL_SITE_NAME", "")
    if not name:
        return None
    data: dict[str, Any] = {"@type": "Organization", "name": name}
    root = _site_root(session, request)
    if root:
        data["url"] = root + "/"
    return data


def images(session: Any, speakers: Iterable[Any], request: HttpRequest | None) -> list[str]:
    """The speakers' photos (a 1200 px wide rendition, as Google asks), from the renditions the
    page's speakers were read with."""
    urls = []
    for item in speakers:
        photo = getattr(item.speaker, "photo", None)
        if photo is None:
            continue
        try:
            rendition = photo.get_rendition("width-1200")
        except OSError:  # a photo whose file is gone costs the image, not the page
            continue
        urls.append(_absolute(request, session, rendition.url))
    return urls


def offers(session: Any, url: str) -> dict[str, Any] | None:
    """A free ``Offer``: the registration on the page, ``InStock`` with places left (or no
    limit), ``LimitedAvailability`` when only the waiting list is left, ``SoldOut`` when full;
    ``validFrom`` when registration opens. None for a session without registration."""
    from .registration.services import registration_state

    if not session.registration_enabled:
        return None
    state = registration_state(session)
    if state.is_open:
        availability = "LimitedAvailability" if state.waitlist_open else "InStock"
    elif state.reason_code == "full":
        availability = "SoldOut"
    elif state.reason_code == "not_yet_open":
        availability = "PreOrder"
    else:
        availability = "SoldOut"
    data: dict[str, Any] = {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "SEK",
        "url": url,
        "availability": SCHEMA + availability,
    }
    if session.registration_opens_at:
        data["validFrom"] = isoformat(session.registration_opens_at)
    return data


def _person(speaker: Any) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person", "name": speaker.name}
    if speaker.title:
        person["jobTitle"] = speaker.title
    if speaker.organisation:
        person["worksFor"] = {"@type": "Organization", "name": speaker.organisation}
    return person


def session_event_data(
    session: Any,
    request: HttpRequest | None = None,
    speakers: Iterable[Any] | None = None,
) -> dict[str, Any]:
    """The session as a schema.org ``Event`` with online attendance, as a dict.

    ``speakers`` are the session's ``PageSpeaker`` items when the caller already has them
    (the page's context does); otherwise they are read from the session.
    """
    url = session.get_full_url(request)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "startDate": isoformat(session.start),
        "endDate": isoformat(session.end),
        "eventAttendanceMode": SCHEMA + "OnlineEventAttendanceMode",
        "eventStatus": event_status(session),
        "url": url,
    }
    if data["eventStatus"] == RESCHEDULED:
        data["previousStartDate"] = isoformat(session.rescheduled_from)
    # The page itself is where one finds out how to join when the link goes only to registrants,
    # and the only place worth pointing to once a session is cancelled or postponed.
    stream_url = session.public_stream_url if session.status == "scheduled" else ""
    data["location"] = {"@type": "VirtualLocation", "url": stream_url or url}
    if session.lead:
        data["description"] = session.lead
    if speakers is None:
        speakers = session.get_speakers()
    speakers = list(speakers)
    performers = [_person(item.speaker) for item in speakers]
    if performers:
        data["performer"] = performers
    found = organizer(session, request)
    if found:
        data["organizer"] = found
    pictures = images(session, speakers, request)
    if pictures:
        data["image"] = pictures
    offer = offers(session, url)
    if offer:
        data["offers"] = offer
    return data


# The same escapes as django.utils.html.json_script: no text an editor typed can close the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def session_event_jsonld(
    session: Any,
    request: HttpRequest | None = None,
    speakers: Iterable[Any] | None = None,
) -> SafeString:
    """The ``<script type="application/ld+json">`` element for a session page."""
    text = json.dumps(
        session_event_data(session, request, speakers), cls=DjangoJSONEncoder, ensure_ascii=False
    )
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308  escaped above
    )

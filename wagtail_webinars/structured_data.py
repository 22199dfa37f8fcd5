"""schema.org markup for sessions, so search engines can list them as online events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .dates import isoformat

if TYPE_CHECKING:
    from django.http import HttpRequest

SCHEMA = "https://schema.org/"

# The computed status, not the stored one: a scheduled session is "EventScheduled" before,
# during and after its broadcast; only an editor's cancellation or postponement changes it.
EVENT_STATUS = {
    "cancelled": SCHEMA + "EventCancelled",
    "postponed": SCHEMA + "EventPostponed",
}


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
        "eventStatus": EVENT_STATUS.get(session.status, SCHEMA + "EventScheduled"),
        "url": url,
    }
    # The page itself is where one finds out how to join when the link goes only to registrants,
    # and the only place worth pointing to once a session is cancelled or postponed.
    stream_url = session.public_stream_url if session.status == "scheduled" else ""
    data["location"] = {"@type": "VirtualLocation", "url": stream_url or url}
    if session.lead:
        data["description"] = session.lead
    if speakers is None:
        speakers = session.get_speakers()
    performers = [_person(item.speaker) for item in speakers]
    if performers:
        data["performer"] = performers
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

"""schema.org markup for sessions, so search engines can list them as online events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

EVENT_STATUS = {
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
}


def session_event_data(session: Any, request: HttpRequest | None = None) -> dict[str, Any]:
    url = session.get_full_url(request) if request is not None else session.get_full_url()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "startDate": session.start.isoformat(),
        "endDate": session.end.isoformat(),
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "eventStatus": EVENT_STATUS.get(session.status, "https://schema.org/EventScheduled"),
        "location": {"@type": "VirtualLocation", "url": session.public_stream_url or url},
        "url": url,
    }
    if session.lead:
        data["description"] = session.lead
    performers = [
        {"@type": "Person", "name": item.speaker.name, "jobTitle": item.speaker.title}
        for item in session.get_speakers()
    ]
    if performers:
        data["performer"] = performers
    return data


# The same escapes as django.utils.html.json_script: no text an editor typed can close the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def session_event_jsonld(session: Any, request: HttpRequest | None = None) -> str:
    text = json.dumps(session_event_data(session, request), cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308  escaped above
    )

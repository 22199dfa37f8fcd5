"""Template tags and filters of wagtail_webinars: ``{% load wagtail_webinars_tags %}``."""

from __future__ import annotations

import datetime
import zoneinfo

from django import template
from django.utils import formats, timezone
from django.utils.translation import pgettext

from ..conf import webinar_settings

register = template.Library()


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value, zoneinfo.ZoneInfo(webinar_settings.TIME_ZONE))


def webinar_date_format() -> str:
    # Translators: a Django date format for a session's day, e.g. "tisdag 13 mars 2027".
    return pgettext("webinar date format", "l j F Y")


def webinar_time_format() -> str:
    # Translators: a Django time format; Swedish writes "10.00".
    return pgettext("webinar time format", "H:i")


@register.filter
def webinar_local(value: datetime.datetime | None) -> datetime.datetime | None:
    """The datetime in the webinars' time zone (Europe/Stockholm by default)."""
    return _local(value) if value else value


@register.simple_tag
def webinar_timespan(start: datetime.datetime, end: datetime.datetime) -> str:
    """"tisdag 13 mars 2027 kl. 10.00–11.30", as the active language writes it.

    Day and month names come from Django's localisation; only the patterns are translated.
    """
    start, end = _local(start), _local(end)
    day = formats.date_format(start, webinar_date_format())
    start_time = formats.time_format(start, webinar_time_format())
    end_time = formats.time_format(end, webinar_time_format())
    if start.date() == end.date():
        # Translators: {day} is a date, {start}/{end} are times: "tisdag 13 mars 2027 kl. 10.00–11.30"
        return pgettext("webinar timespan", "{day}, {start}–{end}").format(
            day=day, start=start_time, end=end_time
        )
    end_day = formats.date_format(end, webinar_date_format())
    return pgettext("webinar timespan over days", "{day} {start} – {end_day} {end}").format(
        day=day, start=start_time, end_day=end_day, end=end_time
    )


@register.simple_tag
def webinar_date(value: datetime.datetime) -> str:
    return formats.date_format(_local(value), webinar_date_format())


@register.simple_tag(takes_context=True)
def webinar_event_jsonld(context, session) -> str:
    """schema.org ``Event`` markup (online attendance) for search engines."""
    from ..structured_data import session_event_jsonld

    return session_event_jsonld(session, context.get("request"))


@register.filter
def webinar_isoformat(value: datetime.datetime | None) -> str:
    """ISO 8601 with the offset of the webinars' time zone, for ``<time datetime>``.

    (Django's ``date`` filter would convert back to settings.TIME_ZONE first.)
    """
    return _local(value).isoformat() if value else ""

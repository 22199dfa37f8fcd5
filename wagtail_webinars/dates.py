"""The one writer of dates and times: pages, e-mails, forms, the API, JSON-LD and .ics use it.

Every moment a visitor sees is shown in the webinars' time zone (``TIME_ZONE`` setting,
Europe/Stockholm by default) whatever ``settings.TIME_ZONE`` says, and written by Django's
localisation: day and month names come from Django, only the patterns are translated (so Swedish
reads "tisdag 13 mars 2027 kl. 10.00–11.30"). Machines get ISO 8601 with the zone's offset.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import formats, timezone
from django.utils.translation import pgettext

from .conf import webinar_settings


def webinar_zone() -> zoneinfo.ZoneInfo:
    """The time zone sessions are shown in."""
    return zoneinfo.ZoneInfo(webinar_settings.TIME_ZONE)


def local(value: datetime.datetime) -> datetime.datetime:
    """``value`` in the webinars' time zone."""
    return timezone.localtime(value, webinar_zone())


def date_pattern() -> str:
    # Translators: a Django date format for a session's day, e.g. "tisdag 13 mars 2027".
    return pgettext("webinar date format", "l j F Y")


def time_pattern() -> str:
    # Translators: a Django time format; Swedish writes "10.00".
    return pgettext("webinar time format", "H:i")


def format_datetime(value: datetime.datetime) -> str:
    """A moment, as the active language writes it: "tisdag 13 mars 2027 kl. 10.00"."""
    value = local(value)
    # Translators: {day} is a date, {time} a time: "tisdag 13 mars 2027 kl. 10.00"
    return pgettext("webinar datetime", "{day}, {time}").format(
        day=formats.date_format(value, date_pattern()),
        time=formats.time_format(value, time_pattern()),
    )


def format_timespan(start: datetime.datetime, end: datetime.datetime) -> str:
    """ "tisdag 13 mars 2027 kl. 10.00–11.30", or a span over two days."""
    start, end = local(start), local(end)
    day = formats.date_format(start, date_pattern())
    start_time = formats.time_format(start, time_pattern())
    end_time = formats.time_format(end, time_pattern())
    if start.date() == end.date():
        # Translators: {day} is a date, {start}/{end} are times: "tisdag 13 mars 2027 kl. 10.00–11.30"
        return pgettext("webinar timespan", "{day}, {start}–{end}").format(
            day=day, start=start_time, end=end_time
        )
    end_day = formats.date_format(end, date_pattern())
    return pgettext("webinar timespan over days", "{day} {start} – {end_day} {end}").format(
        day=day, start=start_time, end_day=end_day, end=end_time
    )


def format_month(value: datetime.datetime) -> str:
    """The month of a moment, as Django's localisation writes a month and year: "mars 2027"."""
    return formats.date_format(local(value), "YEAR_MONTH_FORMAT")


def isoformat(value: datetime.datetime | None) -> str:
    """ISO 8601 with the offset of the webinars' time zone ("2027-03-13T10:00:00+01:00"), or ""."""
    return local(value).isoformat() if value else ""


def admin_datetime(value: datetime.datetime) -> str:
    """A moment in an export or a digest: "2027-03-13 10:00", in the webinars' time zone."""
    return f"{local(value):%Y-%m-%d %H:%M}"

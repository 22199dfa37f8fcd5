"""Calendar files for sessions, built with the icalendar library.

``SessionCalendar`` works like Django's syndication ``Feed``: every property of the event comes
from an ``item_*()`` method that a host overrides in a subclass, and the class to use is looked up
through ``get_calendar_class()``. The session's public calendar file, the subscribable feeds of a
series and of the whole site (``SessionFeed``) and the invitation attached to the confirmation
e-mail all build their events with it, so they carry the same UID and a calendar updates the
event rather than adding a second one.

Times are written in the webinars' time zone (``TIME_ZONE``, Europe/Stockholm) with their TZID
and a matching VTIMEZONE, so a calendar in another zone, or one that gets the clock changes
wrong, still puts a webinar at the right hour.
"""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.module_loading import import_string

from . import __version__
from .conf import webinar_settings
from .dates import local

if TYPE_CHECKING:
    from django.http import HttpRequest

PRODID = f"-//wagtail_webinars {__version__}//SV"
#: The editor's session status → the event's STATUS.
STATUSES = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def calendar_address(email: str, name: str = "") -> icalendar.vCalAddress | None:
    """``mailto:`` address with a CN, for ORGANIZER and ATTENDEE; None without an address."""
    if not email:
        return None
    address = icalendar.vCalAddress(f"mailto:{email}")
    name = " ".join(str(name or "").split())
    if name:
        address.params["CN"] = icalendar.vText(name)
    return address


def organizer_email() -> str:
    """The ORGANIZER's address, the same as the From of registration e-mails."""
    return webinar_settings.EMAIL_FROM or getattr(settings, "DEFAULT_FROM_EMAIL", "")


def content_type(method: str | None) -> str:
    """``text/calendar; charset=utf-8; method=…`` for a body whose METHOD is ``method``."""
    return "text/calendar; charset=utf-8" + (f"; method={method}" if method else "")


def build_calendar(events: Iterable[icalendar.Event], method: str | None) -> icalendar.Calendar:
    """A VCALENDAR holding ``events``, with a VTIMEZONE for every TZID they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    add_missing_timezones(calendar)
    return calendar


def add_missing_timezones(calendar: icalendar.Calendar) -> None:
    """What ``Calendar.add_missing_timezones()`` does, byte for byte, with each VTIMEZONE built
    once per process: icalendar builds it from the zone's transitions, some 15 ms each time,
    which was a sixth of a confirmation e-mail. Each calendar gets a copy of its own."""
    index = len(calendar.timezones)
    for tzid in calendar.get_missing_tzids():
        timezone_component = _vtimezone(tzid)
        if timezone_component is None:
            continue
        calendar.subcomponents.insert(index, copy.deepcopy(timezone_component))
        index += 1


@functools.cache
def _vtimezone(tzid: str) -> icalendar.Timezone | None:
    """The VTIMEZONE of ``tzid`` over icalendar's default span of years; None for an unknown
    zone (icalendar leaves those out too)."""
    try:
        return icalendar.Timezone.from_tzid(tzid)
    except ValueError:
        return None


class SessionCalendar:
    """Builds the VCALENDAR for one session. Override ``item_*`` methods to change one property."""

    method: str | None = None  # "PUBLISH" for a download, "REQUEST" for an invitation

    def __init__(self, session: Any, request: HttpRequest | None = None) -> None:
        self.session = session
        self.request = request

    # -- override points -----------------------------------------------------------------------

    def item_uid(self) -> str:
        """Stable across edits, unique per session and site, and shared by file and invite.

        The host is the session's Wagtail site, not the request's, so the invitation sent by a
        background task (which has no request) carries the same UID as the downloaded file.
        """
        host = "wagtail-webinars"
        # From Wagtail's cached site root paths: no query, however many events a feed holds.
        url_parts = self.session.get_url_parts(self.request)
        root_host = urlsplit(url_parts[1]).hostname if url_parts and url_parts[1] else None
        if root_host:
            host = root_host
        elif self.request is not None:
            host = self.request.get_host().split(":")[0]
        return f"webinar-session-{self.session.pk}@{host}"

    def item_summary(self) -> str:
        """SUMMARY: the event's title in the calendar."""
        return self.session.title

    def item_description(self) -> str:
        """DESCRIPTION: the lead and the page's address, as plain text."""
        parts = [self.session.lead]
        url = self.item_url()
        if url:
            parts.append(url)
        return "\n\n".join(strip_tags(p) for p in parts if p)

    def item_url(self) -> str:
        """URL: the session page's absolute address ("" when it has none)."""
        if self.request is not None:
            return self.session.get_full_url(self.request) or ""
        return self.session.get_full_url() or ""

    def item_location(self) -> str:
        """LOCATION: the join link where it is public, else the page's address."""
        return self.session.public_stream_url or self.item_url()

    def item_sequence(self) -> int:
        """SEQUENCE: the session's ``calendar_sequence``, which the publish rule raises only for
        a change a registrant must know of (start, end, join link, status), so the download, the
        feeds and every invitation carry the same number and calendars accept the update."""
        return int(getattr(self.session, "calendar_sequence", 0) or 0)

    def item_status(self) -> str:
        """STATUS: ``CANCELLED`` for a cancelled session, ``TENTATIVE`` while it is postponed,
        else ``CONFIRMED``."""
        return STATUSES.get(self.session.status, "CONFIRMED")

    def item_organizer(self) -> icalendar.vCalAddress | None:
        """ORGANIZER: RFC 5546 asks for one in a published file as in an invitation. One rule
        for the download, the feeds and the invitations (docs/calendar.md): the sender of the
        site's e-mails (``EMAIL_FROM``, else ``DEFAULT_FROM_EMAIL``), named after the site
        (``WAGTAIL_SITE_NAME``), because mail clients match an invitation's ORGANIZER against
        its From; None when the site has no address."""
        return calendar_address(organizer_email(), getattr(settings, "WAGTAIL_SITE_NAME", ""))

    def item_alarm(self) -> icalendar.Alarm | None:
        """A VALARM ``CALENDAR_ALARM_MINUTES`` before the start; None when the setting is None."""
        minutes = webinar_settings.CALENDAR_ALARM_MINUTES
        if minutes is None:
            return None
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", self.item_summary())
        alarm.add("trigger", -datetime.timedelta(minutes=minutes))
        return alarm

    def item_attendees(self) -> list[icalendar.vCalAddress]:
        """ATTENDEEs (a published file has none)."""
        return []

    # -- building ------------------------------------------------------------------------------

    def build_event(self) -> icalendar.Event:
        event = icalendar.Event()
        event.add("uid", self.item_uid())
        event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
        # In the webinars' zone: icalendar writes the TZID, build() adds its VTIMEZONE.
        event.add("dtstart", local(self.session.start))
        event.add("dtend", local(self.session.end))
        event.add("summary", self.item_summary())
        description = self.item_description()
        if description:
            event.add("description", description)
        location = self.item_location()
        if location:
            event.add("location", location)
        url = self.item_url()
        if url:
            event.add("url", url)
        event.add("sequence", self.item_sequence())
        event.add("status", self.item_status())
        organizer = self.item_organizer()
        if organizer is not None:
            event.add("organizer", organizer)
        for attendee in self.item_attendees():
            event.add("attendee", attendee)
        alarm = self.item_alarm()
        if alarm is not None:
            event.add_component(alarm)
        return event

    def build(self) -> icalendar.Calendar:
        return build_calendar([self.build_event()], method=self.method)

    def to_ical(self) -> bytes:
        return self.build().to_ical()

    def content_type(self) -> str:
        """The MIME type, with the ``method=`` that the body's METHOD says (RFC 6047)."""
        return content_type(self.method)


class PublishedSessionCalendar(SessionCalendar):
    """The downloadable calendar file on a session page."""

    method = "PUBLISH"


class SessionFeed:
    """A subscribable calendar of several sessions: a series' dates, or every webinar of a site.

    Each event is built by the site's calendar class (``CALENDAR_CLASS``), exactly as the session's
    own file, so UIDs match and a subscriber's calendar holds each webinar once. Cancelled sessions
    stay in the feed as ``STATUS:CANCELLED``, so that subscribed calendars remove them.
    """

    method = "PUBLISH"
    #: How often a subscribed calendar should fetch the feed again.
    refresh_interval = datetime.timedelta(hours=1)

    def __init__(self, sessions: Iterable[Any], name: str, request: HttpRequest | None = None):
        self.sessions = sessions
        self.name = name
        self.request = request

    def build(self) -> icalendar.Calendar:
        calendar_class = get_calendar_class()
        events = [calendar_class(session, self.request).build_event() for session in self.sessions]
        calendar = build_calendar(events, method=self.method)
        calendar.add("name", self.name)
        calendar.add("x-wr-calname", self.name)
        calendar.add("refresh-interval", self.refresh_interval, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(self.refresh_interval))
        return calendar

    def to_ical(self) -> bytes:
        return self.build().to_ical()

    def content_type(self) -> str:
        return content_type(self.method)


class RegistrationInvitation(SessionCalendar):
    """The invitation in a registrant's e-mail: ``METHOD:REQUEST`` (a place, or an update), or
    ``METHOD:CANCEL`` (the registrant cancelled, or the session was cancelled).

    The organiser is the one of every calendar file (``item_organizer()``: the sender of the
    e-mails, which is the invitation's From) unless the caller names another, and the registrant
    is the one attendee, already accepted, so calendars add the event without asking them to
    reply. A CANCEL keeps the UID and SEQUENCE of the event it removes (RFC 5546 3.2.5), with
    ``STATUS:CANCELLED`` and no alarm.
    """

    method = "REQUEST"
    #: The iTIP methods this class writes; ``method=`` picks one.
    methods = ("REQUEST", "CANCEL")

    def __init__(
        self,
        session: Any,
        registration: Any,
        organizer_email: str = "",
        organizer_name: str = "",
        request: HttpRequest | None = None,
        method: str = "REQUEST",
    ) -> None:
        super().__init__(session, request)
        if method not in self.methods:
            raise ValueError(f"An invitation is a REQUEST or a CANCEL, not {method!r}.")
        self.method = method
        self.registration = registration
        self.organizer_email = organizer_email
        self.organizer_name = organizer_name

    def item_status(self) -> str:
        if self.method == "CANCEL":
            return "CANCELLED"
        return super().item_status()

    def item_alarm(self) -> icalendar.Alarm | None:
        if self.method == "CANCEL":
            return None
        return super().item_alarm()

    def item_location(self) -> str:
        # Registrants get the join link even where the page keeps it to them.
        return self.session.stream_url or self.item_url()

    def item_organizer(self) -> icalendar.vCalAddress | None:
        if not self.organizer_email:
            return super().item_organizer()
        return calendar_address(self.organizer_email, self.organizer_name)

    def item_attendees(self) -> list[icalendar.vCalAddress]:
        attendee = icalendar.vCalAddress(f"mailto:{self.registration.email}")
        attendee.params["CN"] = icalendar.vText(" ".join(self.registration.name.split()))
        attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = icalendar.vText("ACCEPTED")
        attendee.params["RSVP"] = icalendar.vText("FALSE")
        return [attendee]


def get_calendar_class() -> type[SessionCalendar]:
    """The class for downloadable calendar files: ``WAGTAIL_WEBINARS["CALENDAR_CLASS"]``."""
    return import_string(webinar_settings.CALENDAR_CLASS)


def get_invitation_class() -> type[RegistrationInvitation]:
    """The class for invitations in e-mails: ``WAGTAIL_WEBINARS["INVITATION_CLASS"]``.

    Override ``item_*`` methods in a subclass of ``RegistrationInvitation``; keep ``item_uid()``
    equal to the downloadable file's, so an attendee's calendar updates one event.
    """
    return import_string(webinar_settings.INVITATION_CLASS)

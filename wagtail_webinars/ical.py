"""Calendar files for sessions, built with the icalendar library.

``SessionCalendar`` works like Django's syndication ``Feed``: every property of the event comes
from an ``item_*()`` method that a host overrides in a subclass, and the class to use is looked up
through ``get_calendar_class()``. The session's public calendar file and the invitation attached
to the confirmation e-mail share one builder, so they carry the same UID and an attendee's
calendar updates the event rather than adding a second one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import icalendar
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.module_loading import import_string

from . import __version__
from .conf import webinar_settings

if TYPE_CHECKING:
    from django.http import HttpRequest

PRODID = f"-//wagtail_webinars {__version__}//SV"


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
        site = self.session.get_site()
        if site is not None:
            host = site.hostname
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
        # Rises with each published revision, so calendars accept the updated event.
        revision_id = getattr(self.session, "live_revision_id", None)
        return int(revision_id or 0)

    def item_status(self) -> str:
        """STATUS: ``CANCELLED`` for a cancelled session, else ``CONFIRMED``."""
        return "CANCELLED" if self.session.status == "cancelled" else "CONFIRMED"

    def item_organizer(self) -> icalendar.vCalAddress | None:
        """ORGANIZER, or None for none (a published file has none)."""
        return None

    def item_attendees(self) -> list[icalendar.vCalAddress]:
        """ATTENDEEs (a published file has none)."""
        return []

    # -- building ------------------------------------------------------------------------------

    def build_event(self) -> icalendar.Event:
        event = icalendar.Event()
        event.add("uid", self.item_uid())
        event.add("dtstamp", timezone.now())
        event.add("dtstart", self.session.start)
        event.add("dtend", self.session.end)
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
        return event

    def build(self) -> icalendar.Calendar:
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        if self.method:
            calendar.add("method", self.method)
        calendar.add_component(self.build_event())
        return calendar

    def to_ical(self) -> bytes:
        return self.build().to_ical()


class PublishedSessionCalendar(SessionCalendar):
    """The downloadable calendar file on a session page."""

    method = "PUBLISH"


class RegistrationInvitation(SessionCalendar):
    """The invitation attached to a confirmation e-mail (``METHOD:REQUEST``).

    The organiser is the sender of the e-mails (or the page's first contact person with an
    address) and the registrant is the one attendee, already accepted, so calendars add the
    event without asking them to reply.
    """

    method = "REQUEST"

    def __init__(
        self,
        session: Any,
        registration: Any,
        organizer_email: str,
        organizer_name: str = "",
        request: HttpRequest | None = None,
    ) -> None:
        super().__init__(session, request)
        self.registration = registration
        self.organizer_email = organizer_email
        self.organizer_name = organizer_name

    def item_location(self) -> str:
        # Registrants get the join link even where the page keeps it to them.
        return self.session.stream_url or self.item_url()

    def item_organizer(self) -> icalendar.vCalAddress | None:
        organizer = icalendar.vCalAddress(f"mailto:{self.organizer_email}")
        if self.organizer_name:
            organizer.params["CN"] = icalendar.vText(self.organizer_name)
        return organizer

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

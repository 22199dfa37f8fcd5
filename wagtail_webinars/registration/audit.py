"""What editors do with registrations in the admin, written to Wagtail's log: exports, the counts
per municipality, and the manual changes: cancel, resend, a place given from the waiting list, a
registration added by hand (the erasures are logged by ``retention``).

Each entry is written against the session page it concerns, so the page's history in the admin
shows who exported, cancelled or resent what, and when; an export of several sessions writes one
entry per session, with the rows of that session. An entry names a registration by its number,
never by the person: Wagtail's log outlives the retention period.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from wagtail.log_actions import LogFormatter, log

from ..models.registrations import Registration
from ..pagemodel import session_page_model

EXPORT_REGISTRATIONS = "wagtail_webinars.export_registrations"
EXPORT_MUNICIPALITY_COUNTS = "wagtail_webinars.export_municipality_counts"
CANCEL_REGISTRATION = "wagtail_webinars.cancel_registration"
RESEND_EMAIL = "wagtail_webinars.resend_registration_email"
PROMOTE_REGISTRATION = "wagtail_webinars.promote_registration"
ADD_REGISTRATION = "wagtail_webinars.add_registration"


def _format_label(data: dict) -> str:
    return str(data.get("format") or "csv").upper()


class RegistrationsExportFormatter(LogFormatter):
    label = gettext_lazy("Export registrations")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        rows = int(data.get("rows") or 0)
        return ngettext(
            "%(rows)d registration exported as %(format)s",
            "%(rows)d registrations exported as %(format)s",
            rows,
        ) % {"rows": rows, "format": _format_label(data)}


class MunicipalityCountsExportFormatter(LogFormatter):
    label = gettext_lazy("Export attendance per municipality")

    def format_message(self, log_entry: Any) -> str:
        return _("Attendance per municipality exported as %(format)s") % {
            "format": _format_label(log_entry.data or {})
        }


class CancelFormatter(LogFormatter):
    label = gettext_lazy("Cancel a registration")

    def format_message(self, log_entry: Any) -> str:
        return _("Registration %(number)s cancelled in the admin") % {
            "number": (log_entry.data or {}).get("registration_id", "")
        }


class ResendFormatter(LogFormatter):
    label = gettext_lazy("Resend a registration's e-mail")

    def format_message(self, log_entry: Any) -> str:
        return _("E-mail to registration %(number)s queued again in the admin") % {
            "number": (log_entry.data or {}).get("registration_id", "")
        }


class PromoteFormatter(LogFormatter):
    label = gettext_lazy("Give a place from the waiting list")

    def format_message(self, log_entry: Any) -> str:
        return _("Registration %(number)s given a place from the waiting list in the admin") % {
            "number": (log_entry.data or {}).get("registration_id", "")
        }


class AddFormatter(LogFormatter):
    label = gettext_lazy("Add a registration by hand")

    def format_message(self, log_entry: Any) -> str:
        return _("Registration %(number)s added by hand in the admin") % {
            "number": (log_entry.data or {}).get("registration_id", "")
        }


#: Every action this module writes, with its formatter (``wagtail_hooks`` registers them).
LOG_ACTIONS = {
    EXPORT_REGISTRATIONS: RegistrationsExportFormatter,
    EXPORT_MUNICIPALITY_COUNTS: MunicipalityCountsExportFormatter,
    CANCEL_REGISTRATION: CancelFormatter,
    RESEND_EMAIL: ResendFormatter,
    PROMOTE_REGISTRATION: PromoteFormatter,
    ADD_REGISTRATION: AddFormatter,
}


def _log_per_session(action: str, rows_per_session: dict[int, int], user: Any, **data: Any):
    sessions = session_page_model().objects.filter(pk__in=list(rows_per_session))
    for session in sessions:
        log(session, action, user=user, data={**data, "rows": rows_per_session[session.pk]})


def log_registrations_export(registrations, export_format: str, *, user: Any) -> None:
    """One entry per session in ``registrations`` (the exported queryset, filtered as the list
    was), with the number of its rows in the file."""
    counts = dict(
        Registration.objects.filter(pk__in=registrations.order_by().values("pk"))
        .values_list("session_id")
        .annotate(rows=Count("pk"))
        .order_by()
    )
    _log_per_session(EXPORT_REGISTRATIONS, counts, user, format=export_format)


def log_municipality_counts_export(registrations, *, user: Any) -> None:
    """One entry per session whose registrations the counts were made of."""
    counts = dict(
        registrations.order_by().values_list("session_id").annotate(rows=Count("pk")).order_by()
    )
    _log_per_session(EXPORT_MUNICIPALITY_COUNTS, counts, user, format="csv")


def _log_one(action: str, registration: Registration, user: Any) -> None:
    log(
        session_page_model().objects.get(pk=registration.session_id),
        action,
        user=user,
        data={"registration_id": registration.pk},
    )


def log_cancel(registration: Registration, *, user: Any) -> None:
    _log_one(CANCEL_REGISTRATION, registration, user)


def log_resend(registration: Registration, *, user: Any) -> None:
    _log_one(RESEND_EMAIL, registration, user)


def log_promote(registration: Registration, *, user: Any) -> None:
    _log_one(PROMOTE_REGISTRATION, registration, user)


def log_add(registration: Registration, *, user: Any) -> None:
    _log_one(ADD_REGISTRATION, registration, user)

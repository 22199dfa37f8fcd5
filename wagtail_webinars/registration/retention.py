"""The retention rule: personal data of a registration is erased ``PERSONAL_DATA_RETENTION_DAYS``
days after its session ended (or the shorter ``personal_data_retention_days`` of its series),
keeping what statistics need (status, places, municipality, dates).

``purge_personal_data()`` works in batches of primary keys, so 100,000 rows never sit in memory,
and marks an erased row by its empty ``email``: a second run finds nothing left to do. The command
``webinars_purge_personal_data`` runs it every night from cron or a periodic task.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from wagtail.log_actions import log

from ..conf import webinar_settings
from ..dates import isoformat
from ..models.registrations import Registration, RegistrationEmail, RetentionRun, email_key_for
from ..pagemodel import series_page_model
from .mail import task

BATCH_SIZE = 1000


@dataclass
class PurgeReport:
    """What one run erased: registrations made anonymous and outbox rows cleared."""

    registrations: int = 0
    emails: int = 0
    cutoff: datetime.datetime | None = None


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Sessions that ended before this moment have passed their retention period."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=webinar_settings.PERSONAL_DATA_RETENTION_DAYS)


def due_for_purge(now: datetime.datetime | None = None):
    """Registrations whose personal data the retention rule erases now: the site's period after
    their session ended, or the shorter one their series sets."""
    now = now or timezone.now()
    due = Q(session__end__lt=retention_cutoff(now))
    shorter = (
        series_page_model()
        .objects.filter(
            personal_data_retention_days__isnull=False,
            personal_data_retention_days__lt=webinar_settings.PERSONAL_DATA_RETENTION_DAYS,
        )
        .values_list("path", "depth", "personal_data_retention_days")
    )
    for path, depth, days in shorter:
        due |= Q(
            session__path__startswith=path,
            session__depth=depth + 1,
            session__end__lt=now - datetime.timedelta(days=days),
        )
    return Registration.objects.filter(due).exclude(email="")


def erase_registrations(queryset) -> PurgeReport:
    """Erase the personal data of the registrations in ``queryset`` (any filter), in batches.

    Names, e-mail addresses, organisations, further participants, answers, the question to the
    speaker and the consent text go; status, places, municipality and dates stay, so every count
    is unchanged. ``email_key`` becomes ``erased:<pk>``: unique, so the one-active-place rule
    still holds, and no address. The outbox rows lose their error text (a provider's error quotes
    the address). ``update()`` rather than ``save()``: ``save()`` would recount the places from
    the participants it has just emptied.
    """
    report = PurgeReport()
    queryset = queryset.exclude(email="").order_by("pk")
    while True:
        pks = list(queryset.values_list("pk", flat=True)[:BATCH_SIZE])
        if not pks:
            return report
        with transaction.atomic():
            report.registrations += Registration.objects.filter(pk__in=pks).update(
                name="",
                email="",
                email_key=Concat(Value("erased:"), Cast(F("pk"), output_field=CharField())),
                organisation="",
                participants=[],
                answers={},
                question_to_speaker="",
                consent_text="",
            )
            report.emails += RegistrationEmail.objects.filter(registration_id__in=pks).update(
                last_error=""
            )


def purge_personal_data(now: datetime.datetime | None = None) -> PurgeReport:
    """Erase what the retention period no longer allows us to keep; returns what was done."""
    report = erase_registrations(due_for_purge(now))
    report.cutoff = retention_cutoff(now)
    return report


def record_run(report: PurgeReport, *, feedback_comments: int = 0) -> RetentionRun:
    """Note a run of the rule, so the admin can show when erasure last happened."""
    return RetentionRun.objects.create(
        registrations=report.registrations,
        emails=report.emails,
        feedback_comments=feedback_comments,
    )


def run_retention() -> tuple[PurgeReport, int, RetentionRun]:
    """One run of the whole rule, as the command and the task make it: registrations past their
    period, then feedback comments past theirs (when the feedback app is installed), recorded."""
    report = purge_personal_data()
    comments = 0
    if apps.is_installed("wagtail_webinars.feedback"):
        from ..feedback.retention import purge_feedback_comments

        comments = purge_feedback_comments()
    return report, comments, record_run(report, feedback_comments=comments)


@task
def purge_personal_data_task() -> dict[str, int]:
    """``webinars_purge_personal_data`` as a task of Django's tasks framework, for a host whose
    worker runs periodic tasks instead of cron: enqueue it every night. Returns what it erased."""
    report, comments, _run = run_retention()
    return {
        "registrations": report.registrations,
        "emails": report.emails,
        "feedback_comments": comments,
    }


def last_run() -> RetentionRun | None:
    return RetentionRun.objects.order_by("-ran_at", "-pk").first()


# ---------------------------------------------------------------------------------------------
# A person's request: what is stored about an address (GDPR art. 15), and its erasure (art. 17)
# ---------------------------------------------------------------------------------------------


def registrations_of(email: str):
    """Every registration made with ``email`` (case-insensitive, as the one-place rule), in all
    sessions, or naming it nowhere else: further participants have no address of their own."""
    return Registration.objects.filter(email_key=email_key_for(email)).select_related("session")


def personal_data_of(email: str) -> dict[str, Any]:
    """Everything stored about ``email``, as JSON-ready data for the person who asked."""
    rows = []
    for registration in registrations_of(email).prefetch_related("emails"):
        rows.append(
            {
                "session": registration.session.title,
                "session_id": registration.session_id,
                "status": registration.get_status_display(),
                "name": registration.name,
                "email": registration.email,
                "organisation": registration.organisation,
                "municipality_or_region": registration.municipality_label,
                "further_participants": list(registration.participants or []),
                "answers": registration.answers,
                "question_to_speaker": registration.question_to_speaker,
                "consent_text": registration.consent_text,
                "language": registration.language,
                "registered_at": isoformat(registration.created_at),
                "cancelled_at": isoformat(registration.cancelled_at) or None,
                "emails": [
                    {
                        "kind": email_row.get_kind_display(),
                        "state": email_row.get_state_display(),
                        "created_at": isoformat(email_row.created_at),
                        "sent_at": isoformat(email_row.sent_at) or None,
                    }
                    for email_row in registration.emails.all()
                ],
            }
        )
    return {"email": email.strip(), "registrations": rows}


def erase_person(email: str, *, user: Any = None) -> PurgeReport:
    """Erase everything stored about ``email`` now, whatever the retention period, and write it
    to Wagtail's log (who, when, how many; never the address itself)."""
    pks = list(registrations_of(email).exclude(email="").values_list("pk", flat=True))
    report = erase_registrations(Registration.objects.filter(pk__in=pks))
    # Logged once erased, so that the log's own copy of each row's title holds no address.
    for registration in Registration.objects.filter(pk__in=pks):
        log(
            registration,
            "wagtail_webinars.erase_personal_data",
            user=user,
            data={"session_id": registration.session_id},
        )
    return report

"""The e-mail commands at scale, on PostgreSQL: ``webinars_send_pending_mail`` and
``webinars_send_reminders`` (with the default immediate task backend, which sends the reminders
inside the command), over ten sessions, at two sizes.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python bench/commands_bench.py --quick    # 100 and 1,000 e-mails (about a minute)
    .venv/bin/python bench/commands_bench.py            # 1,000 and 10,000 e-mails

It creates a throw-away database (``ww_commands_bench``), migrates it, and makes ten sessions in
a series, each with a contact person and a speaker. For each size it writes that many
confirmed registrations spread over the sessions, with a confirmation each in the outbox
(``bulk_create``), and runs the command in this process with Django's locmem e-mail backend,
counting SQL queries (``connection.execute_wrapper``) and time. Then the reminders: the same
registrations, an hour's reminder due, ``webinars_send_reminders``.

Baselines, measured in the same run on the smaller size:

- **one at a time**: the same e-mails sent as the package sent them before batches, each
  claimed, read and built on its own: ``send_queued_email()`` per row, with the calendar's
  VTIMEZONE built per message (icalendar's ``add_missing_timezones()``); for the reminders, each
  row written in a savepoint of its own and its task enqueued alone (``queue_email()``).
- **send_mail**: Django's ``send_mail()`` of a plain message per recipient over the locmem
  backend, the floor of any sender.

What it should show: the same number of queries at both sizes for the same ten sessions
(constant per session, not per e-mail), and less time per e-mail than one at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DB_NAME = "ww_commands_bench"
SESSIONS = 10


def _setup() -> None:
    from bench.admin_bench import _django
    from bench.loadtest import recreate_database

    recreate_database(DB_NAME)
    _django(DB_NAME)
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)


def _sessions() -> list:
    from django.utils import timezone
    from wagtail.models import Page

    from tests.factories import (
        ContactPersonFactory,
        PageContactPersonFactory,
        PageSpeakerFactory,
        SpeakerFactory,
        WebinarSeriesPageFactory,
        WebinarSessionPageFactory,
    )

    root = Page.objects.get(depth=1)
    series = WebinarSeriesPageFactory(parent=root, title="Det demokratiska samtalet")
    start = timezone.now() + datetime.timedelta(minutes=30)
    sessions = []
    for index in range(SESSIONS):
        session = WebinarSessionPageFactory(
            parent=series,
            title=f"Del {index + 1}",
            start=start,
            end=start + datetime.timedelta(hours=2),
            stream_url="https://stream.example.org/live/1",
        )
        PageContactPersonFactory(
            page=session,
            contact=ContactPersonFactory(name="Karin Lind", email="karin.lind@example.org"),
        )
        PageSpeakerFactory(page=session, speaker=SpeakerFactory(name="Per Holm"))
        sessions.append(session)
    return sessions


def _registrations(sessions: list, n: int, tag: str) -> list:
    """``n`` confirmed registrations over the sessions, registered two hours ago (so that the
    hour's reminder is due), each with its confirmation pending in the outbox."""
    from django.utils import timezone

    from wagtail_webinars.models import Registration, RegistrationEmail
    from wagtail_webinars.models.registrations import email_key_for, hash_token

    rows = []
    for i in range(n):
        address = f"deltagare.{tag}.{i}@kommun{i % 7}.example.se"
        registration = Registration(
            session=sessions[i % len(sessions)],
            status="confirmed",
            name=f"Deltagare {i}",
            email=address,
            email_key=email_key_for(address),
            language="sv" if i % 3 else "en",
        )
        registration.token_hash = hash_token(registration.token)
        rows.append(registration)
    created = Registration.objects.bulk_create(rows)
    Registration.objects.filter(pk__in=[r.pk for r in created]).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    RegistrationEmail.objects.bulk_create(
        RegistrationEmail(registration=r, kind="confirmation") for r in created
    )
    return created


def _retire(registrations: list) -> None:
    """Out of the way of the next size: cancelled, their e-mails sent."""
    from wagtail_webinars.models import Registration, RegistrationEmail

    ids = [r.pk for r in registrations]
    Registration.objects.filter(pk__in=ids).update(status="cancelled")
    RegistrationEmail.objects.filter(registration_id__in=ids).update(state="sent")


@contextlib.contextmanager
def _counted():
    """Counts the SQL queries of the block (cheaply: no SQL text kept) and its seconds."""
    from django.core import mail
    from django.db import connection

    box = {"queries": 0}

    def count(execute, sql, params, many, context):
        box["queries"] += 1
        return execute(sql, params, many, context)

    mail.outbox = []
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        yield box
        box["seconds"] = time.perf_counter() - started
    box["sent"] = len(mail.outbox)


@contextlib.contextmanager
def _old_vtimezone():
    """The calendar's VTIMEZONE built for each message, as before the per-process cache."""
    from wagtail_webinars import ical

    cached = ical.add_timezones
    ical.add_timezones = lambda calendar: calendar.add_missing_timezones()
    try:
        yield
    finally:
        ical.add_timezones = cached


def _pending_batched() -> dict:
    from django.core.management import call_command

    with _counted() as box:
        call_command("webinars_send_pending_mail", verbosity=0)
    return box


def _pending_one_at_a_time() -> dict:
    from wagtail_webinars.models import RegistrationEmail
    from wagtail_webinars.registration.mail import send_queued_email

    with _old_vtimezone(), _counted() as box:
        for pk in RegistrationEmail.objects.filter(state="pending").values_list("pk", flat=True):
            send_queued_email(pk)
    return box


def _reminders_batched() -> dict:
    from django.core.management import call_command

    with _counted() as box:
        call_command("webinars_send_reminders", verbosity=0)
    return box


def _reminders_one_at_a_time() -> dict:
    """The rule's query, then each row in a savepoint of its own and its task enqueued alone
    (``queue_email()``), which the immediate backend runs at once: the reminders as they were
    sent before batches."""
    from django.db import transaction

    from wagtail_webinars.models import Registration
    from wagtail_webinars.registration.mail import queue_email

    with _old_vtimezone(), _counted() as box:
        due = Registration.objects.confirmed().exclude(emails__kind="reminder")
        for registration in due.iterator():
            with transaction.atomic():
                queue_email(registration, "reminder", key="before-60")
    return box


def _send_mail_floor(n: int) -> float:
    from django.core.mail import send_mail

    with _counted() as box:
        for i in range(n):
            send_mail(
                "Påminnelse: Del 1",
                "Hej!\n\nDu är anmäld till webbinariet.\n",
                "webbinarier@example.org",
                [f"Deltagare {i} <deltagare.{i}@example.se>"],
            )
    return box["seconds"]


def _sent_all(box: dict, n: int, what: str) -> None:
    if box["sent"] != n:
        raise SystemExit(f"{what}: {box['sent']} e-mails sent, not {n}")


def measure(quick: bool) -> dict:
    small, large = (100, 1000) if quick else (1000, 10_000)
    _setup()
    sessions = _sessions()
    out: dict = {"small": small, "large": large}
    # Warm-up (Wagtail's site root paths, templates, translations): not a cost of the e-mails.
    warm = _registrations(sessions, SESSIONS, "warm")
    _pending_batched()
    _retire(warm)

    for size, label in ((small, "small"), (large, "large")):
        rows = _registrations(sessions, size, label)
        out[f"pending_{label}"] = box = _pending_batched()
        _sent_all(box, size, "pending mail")
        out[f"reminders_{label}"] = box = _reminders_batched()
        _sent_all(box, size, "reminders")
        _retire(rows)

    rows = _registrations(sessions, small, "baseline")
    out["pending_baseline"] = box = _pending_one_at_a_time()
    _sent_all(box, small, "pending mail one at a time")
    out["reminders_baseline"] = box = _reminders_one_at_a_time()
    _sent_all(box, small, "reminders one at a time")
    _retire(rows)
    out["send_mail_seconds"] = _send_mail_floor(small)

    from django.db import connections

    connections.close_all()
    from bench.loadtest import drop_database

    drop_database(DB_NAME)
    return out


def results(quick: bool) -> list[dict]:
    m = measure(quick)
    small, large = m["small"], m["large"]
    rows = []
    for what, command in (
        ("pending", "webinars_send_pending_mail"),
        ("reminders", "webinars_send_reminders"),
    ):
        s, big, base = m[f"{what}_small"], m[f"{what}_large"], m[f"{what}_baseline"]
        ms_big = 1000 * big["seconds"] / large
        ms_base = 1000 * base["seconds"] / small
        ms_floor = 1000 * m["send_mail_seconds"] / small
        rows += [
            {
                "measure": f"{command}: SQL queries, {large:,} e-mails over {SESSIONS} sessions "
                f"(baseline: {small:,} over the same sessions)",
                "value": big["queries"],
                "baseline": s["queries"],
                "ratio": round(big["queries"] / s["queries"], 2),
                "goal": "constant",
                "ok": big["queries"] == s["queries"],
                "note": f"{big['queries'] / SESSIONS:.1f} queries per session, "
                f"{big['queries'] / large:.4f} per e-mail",
            },
            {
                "measure": f"{command}: SQL queries per e-mail at {large:,} "
                f"(baseline: one at a time, as before batches, at {small:,})",
                "value": round(big["queries"] / large, 4),
                "baseline": round(base["queries"] / small, 2),
                "ratio": round((big["queries"] / large) / (base["queries"] / small), 4),
                "goal": "<= 0.1x",
                "ok": (big["queries"] / large) / (base["queries"] / small) <= 0.1,
                "note": f"at {small:,}: {s['queries'] / small:.2f} per e-mail",
            },
            {
                "measure": f"{command}: ms per e-mail at {large:,} "
                f"(baseline: one at a time at {small:,})",
                "value": round(ms_big, 2),
                "baseline": round(ms_base, 2),
                "ratio": round(ms_big / ms_base, 2),
                "goal": "<= 0.5x",
                "ok": ms_big / ms_base <= 0.5,
                "note": f"{big['seconds']:.1f} s for {large:,}; at {small:,}: "
                f"{1000 * s['seconds'] / small:.2f} ms per e-mail",
            },
            {
                "measure": f"{command}: ms per e-mail at {large:,} "
                f"(baseline: Django's send_mail() of a plain message, locmem, at {small:,})",
                "value": round(ms_big, 2),
                "baseline": round(ms_floor, 3),
                "ratio": round(ms_big / ms_floor, 1),
                "goal": "",
                "ok": None,
                "note": "the floor: no database, no templates, no calendar",
            },
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 e-mails")
    args = parser.parse_args()
    rows = results(args.quick)
    for row in rows:
        ok = {True: "ok", False: "NOT MET", None: "-"}[row["ok"]]
        print(
            f"{row['measure']}\n    {row['value']} vs {row['baseline']}: {row['ratio']}x "
            f"(goal {row['goal'] or '-'}: {ok}); {row['note']}"
        )
    sys.exit(0 if all(r["ok"] is not False for r in rows) else 1)


if __name__ == "__main__":
    main()

"""A registration into a session that already holds 20,000 registrations, against one into an
empty session, on PostgreSQL.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432, user postgres; about a minute):

    .venv/bin/python bench/registration_scale_bench.py             # 20,000 registrations
    .venv/bin/python bench/registration_scale_bench.py --quick     # 2,000
    .venv/bin/python bench/registration_scale_bench.py --explain   # and the counting query's plan

It creates a throw-away database (``ww_scale_registration``), migrates it, makes two sessions with
more places than will be taken (so that both confirm, and both count), and fills one with
``--rows`` registrations (``bulk_create``: confirmed, waiting and cancelled, one in three with a
further participant), a third session with as many (so the table is larger than the session), then ``VACUUM ANALYZE`` as autovacuum would soon after. It then calls
``services.register()`` (the rule every entrance calls: the session's row lock, the count under
it, the duplicate check, the insert and the outbox row, the e-mail queued on commit) alternately
for the two sessions, each time with a new address, after a warm-up, and prints the median time of
each, their ratio (goal: at most 1.5) and the SQL queries of one registration into each (goal: the
same number). With ``--explain`` it prints ``EXPLAIN ANALYZE`` of the query ``register()`` runs
under the lock, on the full session.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DB_NAME = "ww_scale_registration"
ROWS = 20_000
QUICK_ROWS = 2_000


def _django(db_name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["WW_DB"] = "postgres"
    os.environ["WW_PG_NAME"] = db_name
    import django

    django.setup()


def fill(session, rows: int, prefix: str = "person") -> None:
    import secrets

    from wagtail_webinars.models import Registration
    from wagtail_webinars.models.registrations import email_key_for, hash_token

    batch = 5000
    for offset in range(0, rows, batch):
        objs = []
        for i in range(offset, min(rows, offset + batch)):
            email = f"{prefix}{i}@kommun{i % 290}.example"
            status = ("cancelled", "waitlisted")[i % 2] if i % 10 == 0 else "confirmed"
            registration = Registration(
                session=session,
                status=status,
                name=f"Person {i}",
                email=email,
                email_key=email_key_for(email),
                organisation=f"Kommun {i % 290}",
                participants=[f"Kollega {i}"] if i % 3 == 0 else [],
                places=2 if i % 3 == 0 else 1,
                consent_text="Jag godkänner att SKR sparar mina uppgifter.",
                token_key=secrets.token_hex(16),
            )
            registration.token_hash = hash_token(registration.token)
            objs.append(registration)
        Registration.objects.bulk_create(objs)


def measure(rows: int, iterations: int, warmup: int = 10, explain: bool = False) -> dict:
    from bench.loadtest import recreate_database

    recreate_database(DB_NAME)
    _django(DB_NAME)
    import datetime

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests.conftest import ensure_wagtail_tree
    from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
    from wagtail_webinars.models import Registration
    from wagtail_webinars.pagemodel import session_page_model
    from wagtail_webinars.registration import services

    call_command("migrate", verbosity=0)
    # The e-mails are queued and sent as in the suite, to Django's memory outbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    home = ensure_wagtail_tree().root_page
    series = WebinarSeriesPageFactory(parent=home, title="Nationellt webbinarium")
    start = timezone.now() + datetime.timedelta(days=30)
    capacity = 10 * rows + 10_000  # never full: both registrations confirm and both count
    sessions = {
        name: WebinarSessionPageFactory(
            parent=series,
            title=name,
            start=start,
            end=start + datetime.timedelta(hours=2),
            registration_capacity=capacity,
        )
        for name in ("empty", "full", "other")
    }
    fill(sessions["full"], rows)
    # As many again in another session: the table is larger than the session counted, as on a
    # site with more than one webinar, so a plan that reads the whole table shows it.
    fill(sessions["other"], rows, prefix="annan")
    del sessions["other"]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    # As an entrance fetches it: the session page model, read anew for each request.
    model = session_page_model()
    counter = iter(range(10**9))

    def register(name: str) -> None:
        n = next(counter)
        session = model.objects.get(pk=sessions[name].pk)
        data = services.RegistrationRequest(
            name=f"Ny deltagare {n}",
            email=f"ny{n}@kommun.example",
            organisation="Kiruna kommun",
            municipality_code="2584",
            consent_text="Jag godkänner.",
        )
        outcome = services.register(session, data)
        assert outcome.status == "confirmed" and not outcome.is_duplicate, outcome

    found: dict = {}
    for name in sessions:
        for _ in range(warmup):
            register(name)
        session = model.objects.get(pk=sessions[name].pk)
        with CaptureQueriesContext(connection) as captured:
            outcome = services.register(
                session,
                services.RegistrationRequest(
                    name="Räknad", email=f"raknad-{name}@kommun.example", consent_text="Ja."
                ),
            )
        assert outcome.status == "confirmed"
        found[f"queries_{name}"] = len(captured)
    times: dict[str, list[float]] = {name: [] for name in sessions}
    for _ in range(iterations):
        for name in sessions:
            t0 = time.perf_counter()
            register(name)
            times[name].append(time.perf_counter() - t0)
    for name in sessions:
        found[f"seconds_{name}"] = statistics.median(times[name])
    found["rows"] = Registration.objects.filter(session_id=sessions["full"].pk).count()
    if explain:
        using, sql, params = services._counting_query(
            sessions["full"], "person7@kommun7.example"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            found["plan"] = "\n".join(row[0] for row in cursor.fetchall())
    return found


def _rows(found: dict, rows: int) -> list[dict]:
    qe, qf = found["queries_empty"], found["queries_full"]
    te, tf = found["seconds_empty"], found["seconds_full"]
    ratio = tf / te
    return [
        {
            "measure": f"registration: SQL queries into a session of {rows:,} vs an empty one",
            "value": qf,
            "baseline": qe,
            "ratio": qf / qe,
            "goal": "constant",
            "ok": qf == qe,
            "note": "services.register(), PostgreSQL",
        },
        {
            "measure": f"registration: median ms into a session of {rows:,} vs an empty one",
            "value": round(tf * 1000, 2),
            "baseline": round(te * 1000, 2),
            "ratio": ratio,
            "goal": "<= 1.5x",
            "ok": ratio <= 1.5,
            "note": "lock, count, insert, outbox row; PostgreSQL",
        },
    ]


def _drop() -> None:
    from django.db import connections

    from bench.loadtest import drop_database

    connections.close_all()
    drop_database(DB_NAME)


def results(quick: bool) -> list[dict]:
    """The rows of bench/run.py's table (see /work/HELPERS.md for the keys). Measured in a
    process of its own, as the command line runs it, so that this bench's settings never meet
    another bench's in the caller's process."""
    found = _run_json(["--quick"] if quick else [])
    return _rows(found, found["rows_asked"])


def _run_json(arguments: list[str]) -> dict:
    import json
    import subprocess

    command = [sys.executable, str(Path(__file__).resolve()), "--json", *arguments]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows, not {ROWS:,}")
    parser.add_argument("--rows", type=int, help="registrations in the full session")
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--explain", action="store_true", help="print the counting query's plan")
    # For results(): the figures as one line of JSON instead of the report.
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = args.rows or (QUICK_ROWS if args.quick else ROWS)
    iterations = args.iterations or (30 if args.quick else 100)
    try:
        found = measure(rows, iterations, explain=args.explain)
    finally:
        _drop()
    if args.json:
        import json

        print(json.dumps({**found, "rows_asked": rows}))
        return
    if "plan" in found:
        print(f"EXPLAIN ANALYZE of the counting query at {found['rows']:,} registrations:")
        print(found["plan"])
    for row in _rows(found, rows):
        ok = {True: "ok", False: "NOT MET"}[row["ok"]]
        print(
            f"{row['measure']}: {row['value']} against {row['baseline']}, "
            f"ratio {row['ratio']:.2f} (goal: {row['goal']}) {ok}"
        )


if __name__ == "__main__":
    main()

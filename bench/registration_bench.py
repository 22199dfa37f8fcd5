"""Registration benchmark: registrations per second through the JSON endpoint under 50
concurrent clients, against gunicorn and PostgreSQL on loopback, as a ratio to a baseline view
that inserts one row.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432, user postgres; about a minute):

    .venv/bin/python bench/registration_bench.py
    .venv/bin/python bench/registration_bench.py --clients 50 --seconds 10 --max-requests 3000

It creates a throw-away database (``ww_bench_registration``), migrates it, makes one session with
``--capacity`` places and the waiting list on, and starts gunicorn (``--workers`` sync workers) on
127.0.0.1 with bench/registration_settings.py. After a concurrent warm-up of both views (so that
no worker meets either view cold while timed), it drives three phases of the same
shape: the baseline view (``POST /bench/baseline/``: parse the JSON, insert one row), the real
endpoint (``POST /webinars/api/sessions/<id>/registrations/``: origin and JSON checks, the form,
``services.register()`` with its row lock, count, insert and outbox row), and the baseline again.
Each phase stops after ``--seconds`` or ``--max-requests``, whichever comes first. The ratio is
registrations per second over the mean of the two baseline rates. At the end it checks that the
confirmed places equal the capacity (no overbooking, no lost place), that every 201 is a row in
the database, and that no request failed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.registration_settings"

from bench.loadtest import (  # noqa: E402  (after the settings module is chosen)
    drop_database,
    failed_requests,
    free_port,
    recreate_database,
    run_phase,
    start_gunicorn,
    stop_gunicorn,
)


def registrant(n: int) -> dict:
    """A registration that the form accepts, with a fresh e-mail address."""
    return {
        "name": f"Deltagare {n}",
        "email": f"deltagare{n}@kommun.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
    }


def warm_up_body(n: int) -> dict:
    """A warm-up registration, with an address of its own so that no timed one is a duplicate."""
    return {**registrant(n), "email": f"uppvarmning{n}@kommun.example", "municipality_code": "0180"}


def prepare(capacity: int) -> int:
    """Migrate, build the site and one session; return the session's page id."""
    import datetime

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.registration_urls import BASELINE_TABLE
    from tests.conftest import ensure_wagtail_tree
    from wagtail_webinars.models import WebinarSessionPage

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {BASELINE_TABLE} (id bigserial PRIMARY KEY, name text, email text)"
        )
    home = ensure_wagtail_tree().root_page
    start = timezone.now() + datetime.timedelta(days=7)
    session = home.add_child(
        instance=WebinarSessionPage(
            title="Benchmark-webbinarium",
            slug="benchmark",
            start=start,
            end=start + datetime.timedelta(hours=1),
            registration_capacity=capacity,
            registration_waitlist=True,
        )
    )
    session.save_revision().publish()
    connection.close()
    return session.pk


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (bound)")
    parser.add_argument("--max-requests", type=int, default=3000, help="per phase (bound)")
    parser.add_argument("--capacity", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--quick", action="store_true", help=f"the sizes of {QUICK}")
    return parser


#: ``--quick``: small enough for CI, still every phase.
QUICK = "--clients 8 --seconds 3 --max-requests 600 --capacity 100 --workers 2"


def results(quick: bool) -> list[dict]:
    """The rows of bench/run.py's table (the interface every bench module has)."""
    args = parser().parse_args(QUICK.split() if quick else [])
    numbers = measure(args)
    return [
        {
            "measure": "registrations/s, JSON endpoint vs a view that inserts one row",
            "value": numbers["real"],
            "baseline": numbers["baseline"],
            "ratio": numbers["real"] / numbers["baseline"],
            "goal": "for reference",
            "ok": None if not numbers["problems"] else False,
            "wrong": bool(numbers["problems"]),
            "note": "; ".join(numbers["problems"])
            or f"{args.clients} clients, {args.workers} workers, no overbooking",
        }
    ]


def main() -> None:
    args = parser().parse_args()
    if args.quick:
        args = parser().parse_args(QUICK.split())
    if measure(args)["problems"]:
        sys.exit(1)


def measure(args: argparse.Namespace) -> dict:
    """Run the three phases, print what they measured; the rates and the problems found."""
    db_name = os.environ.setdefault("WW_BENCH_DB", "ww_bench_registration")
    recreate_database(db_name)
    gunicorn = None
    try:
        page_id = prepare(args.capacity)
        port = free_port()
        gunicorn = start_gunicorn(
            port, args.workers, "bench.registration_settings", "bench.registration_wsgi:application"
        )
        endpoint = f"/webinars/api/sessions/{page_id}/registrations/"
        numbers = itertools.count()
        # Warm-up: every worker imports, connects and fills its caches before timing, for both
        # views. Concurrent requests, so that each worker gets some: one request at a time can
        # all go to the same worker and leave the others cold for the timed phase.
        warm = dict(
            clients=args.workers * 2, seconds=30, max_requests=args.workers * 8, numbers=numbers
        )
        _, warm_base = run_phase(port, "/bench/baseline/", warm_up_body, **warm)
        _, warm_real = run_phase(port, endpoint, warm_up_body, **warm)
        assert set(warm_base) == {201}, f"the baseline answered {dict(warm_base)}"
        assert set(warm_real) == {201}, f"the endpoint answered {dict(warm_real)}"

        phase = dict(
            clients=args.clients,
            seconds=args.seconds,
            max_requests=args.max_requests,
            numbers=numbers,
        )
        base1, base1_statuses = run_phase(port, "/bench/baseline/", registrant, **phase)
        real, real_statuses = run_phase(port, endpoint, registrant, **phase)
        base2, base2_statuses = run_phase(port, "/bench/baseline/", registrant, **phase)
        baseline = (base1 + base2) / 2

        import django
        from django.db import connection

        from wagtail_webinars.models import Registration

        django.setup()
        registrations = Registration.objects.filter(session_id=page_id)
        confirmed_places = registrations.places_taken()
        rows = registrations.count()
        waitlisted = registrations.filter(status="waitlisted").count()
        connection.close()

        print(
            f"clients: {args.clients}, gunicorn sync workers: {args.workers}, "
            f"phase bound: {args.seconds:g} s or {args.max_requests} requests"
        )
        print(
            f"baseline (insert one row):  {base1:8.1f} and {base2:8.1f} req/s  {dict(base1_statuses)} {dict(base2_statuses)}"
        )
        print(f"registration endpoint:      {real:8.1f} registrations/s  {dict(real_statuses)}")
        print(f"ratio registrations/s to baseline req/s: {real / baseline:.2f}")
        print(
            f"capacity {args.capacity}: confirmed places {confirmed_places}, waitlisted {waitlisted}, "
            f"rows {rows} (= 201 answers + warm-ups: {real_statuses[201] + warm_real[201]})"
        )
        problems = []
        expected_confirmed = min(args.capacity, rows)
        if confirmed_places != expected_confirmed:
            problems.append(f"confirmed places {confirmed_places} != {expected_confirmed}")
        if rows != real_statuses[201] + warm_real[201]:
            problems.append("rows in the database differ from 201 answers")
        failed = failed_requests(base1_statuses, real_statuses, base2_statuses)
        if failed:
            problems.append(f"failed requests: {failed}")
        if problems:
            print("FAIL: " + "; ".join(problems))
        else:
            print("OK: no overbooking, every 201 is a stored registration")
        return {"real": real, "baseline": baseline, "problems": problems}
    finally:
        stop_gunicorn(gunicorn)
        drop_database(db_name)


if __name__ == "__main__":
    main()

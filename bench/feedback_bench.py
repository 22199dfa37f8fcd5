"""Feedback benchmark: answers per second through ``POST <prefix>/api/feedback/`` under concurrent
clients, against gunicorn, PostgreSQL and Redis on loopback, as a ratio to a baseline view that
inserts one row.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432 user postgres, Redis on 127.0.0.1:6379;
under a minute):

    .venv/bin/python bench/feedback_bench.py
    .venv/bin/python bench/feedback_bench.py --clients 20 --seconds 8 --max-requests 3000

It creates a throw-away database (``ww_bench_feedback``), migrates it, publishes one page, and
starts gunicorn (``--workers`` sync workers) on 127.0.0.1 with bench/feedback_settings.py (Redis
db 6 as the cache, or ``WW_BENCH_REDIS_DB``). Then, in one run, it drives three phases of the same
shape: the baseline view
(``POST /bench/baseline/``: parse the JSON, insert one row), the real endpoint (Origin and JSON
checks, the rate-limit counter in Redis, validation with the page lookup, scrubbing of the
comment's e-mail addresses, phone numbers and personal identity numbers, the de-duplication key
in Redis, the insert), and the baseline again. Each phase stops after ``--seconds`` or
``--max-requests``, whichever comes first. Every answer differs, so none is de-duplicated away.
The ratio is answers per second over the mean of the two baseline rates. At the end it checks
that every 201 is a row in the database and that no request failed.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.feedback_settings"

from bench.loadtest import (  # noqa: E402  (after the settings module is chosen)
    drop_database,
    failed_requests,
    free_port,
    post,
    recreate_database,
    run_phase,
    start_gunicorn,
    stop_gunicorn,
)

COMMENT = (
    "Jag saknade tiden för sändningen nr {n}. Ring mig på 070-123 45 67 eller anna{n}@example.se"
)


def answer(page_id: int, n: int) -> dict:
    """A "Nej" with a comment that differs each time, so none is de-duplicated away."""
    return {"page": page_id, "helpful": False, "comment": COMMENT.format(n=n)}


def prepare() -> int:
    """Migrate, build the site and one published page; return its id."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from bench.feedback_urls import BASELINE_TABLE
    from tests.conftest import ensure_wagtail_tree

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {BASELINE_TABLE} "
            "(id bigserial PRIMARY KEY, page_id bigint, helpful boolean, comment text)"
        )
    home = ensure_wagtail_tree().root_page
    home.save_revision().publish()
    cache.clear()
    connection.close()
    return home.pk


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0, help="per phase (bound)")
    parser.add_argument("--max-requests", type=int, default=3000, help="per phase (bound)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--quick", action="store_true", help=f"the sizes of {QUICK}")
    return parser


#: ``--quick``: small enough for CI, still every phase.
QUICK = "--clients 8 --seconds 3 --max-requests 600 --workers 2"


def results(quick: bool) -> list[dict]:
    """The rows of bench/run.py's table (the interface every bench module has)."""
    args = parser().parse_args(QUICK.split() if quick else [])
    numbers = measure(args)
    return [
        {
            "measure": "feedback answers/s vs a view that inserts one row",
            "value": numbers["real"],
            "baseline": numbers["baseline"],
            "ratio": numbers["real"] / numbers["baseline"],
            "goal": "for reference",
            "ok": None if not numbers["problems"] else False,
            "wrong": bool(numbers["problems"]),
            "note": "; ".join(numbers["problems"])
            or f"{args.clients} clients, {args.workers} workers, every answer scrubbed",
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
    db_name = os.environ.setdefault("WW_BENCH_DB", "ww_bench_feedback")
    recreate_database(db_name)
    gunicorn = None
    try:
        page_id = prepare()
        port = free_port()
        gunicorn = start_gunicorn(
            port, args.workers, "bench.feedback_settings", "bench.feedback_wsgi:application"
        )
        endpoint = "/webinars/api/feedback/"
        numbers = itertools.count()
        # Warm-up: every worker imports, connects and fills its caches before timing.
        for _ in range(args.workers * 4):
            body = {"page": page_id, "helpful": True, "comment": ""}
            assert post(port, "/bench/baseline/", body) == 201
        first_status = post(
            port, endpoint, {"page": page_id, "helpful": False, "comment": "Uppvärmning"}
        )
        assert first_status == 201, f"the endpoint answered {first_status}"

        body = functools.partial(answer, page_id)
        phase = dict(
            clients=args.clients,
            seconds=args.seconds,
            max_requests=args.max_requests,
            numbers=numbers,
        )
        base1, base1_statuses = run_phase(port, "/bench/baseline/", body, **phase)
        real, real_statuses = run_phase(port, endpoint, body, **phase)
        base2, base2_statuses = run_phase(port, "/bench/baseline/", body, **phase)
        baseline = (base1 + base2) / 2

        import django

        django.setup()
        from django.db import connection

        from wagtail_webinars.feedback.models import Feedback

        rows = Feedback.objects.filter(page_id=page_id).count()
        unscrubbed = Feedback.objects.filter(comment__contains="070-123").count()
        connection.close()

        print(
            "server: gunicorn sync workers on 127.0.0.1; database: PostgreSQL on 127.0.0.1; "
            "cache: Redis on 127.0.0.1"
        )
        print(
            f"clients: {args.clients}, gunicorn sync workers: {args.workers}, "
            f"phase bound: {args.seconds:g} s or {args.max_requests} requests"
        )
        print(
            f"baseline (insert one row): {base1:8.1f} and {base2:8.1f} req/s  "
            f"{dict(base1_statuses)} {dict(base2_statuses)}"
        )
        print(f"feedback endpoint:         {real:8.1f} answers/s  {dict(real_statuses)}")
        print(f"ratio feedback answers/s to baseline req/s: {real / baseline:.2f}")
        problems = []
        if rows != real_statuses[201] + 1:
            problems.append(f"rows {rows} != 201 answers + 1 warm-up ({real_statuses[201] + 1})")
        if unscrubbed:
            problems.append(f"{unscrubbed} comments kept a phone number")
        failed = failed_requests(base1_statuses, real_statuses, base2_statuses)
        if failed:
            problems.append(f"failed requests: {failed}")
        if problems:
            print("FAIL: " + "; ".join(problems))
        else:
            print("OK: every 201 is a stored, scrubbed answer")
        return {"real": real, "baseline": baseline, "problems": problems}
    finally:
        stop_gunicorn(gunicorn)
        drop_database(db_name)


if __name__ == "__main__":
    main()

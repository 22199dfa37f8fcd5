"""A series at scale: the series page and its registration form ("Anmäl dig" for several dates)
with 500 sessions, against the same series with 5, on PostgreSQL.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432, user postgres; about a minute):

    .venv/bin/python bench/series_bench.py            # 5 and 500 sessions
    .venv/bin/python bench/series_bench.py --quick    # 5 and 50 sessions
    .venv/bin/python bench/series_bench.py --large 200

It creates a throw-away database (``ww_scale_series``), migrates it, and builds two series with a
number of places each (so that every date's state, places left or "Fullbokat", has to be counted):
one with 5 sessions, one with ``--large``; four in five of the dates are upcoming, the rest past,
and each date holds a few registrations (``bulk_create``: the rules are not what is measured). Then,
as an anonymous visitor through Django's test Client (routing, middleware, Wagtail's serve, the
fragment cache, templates), it fetches each series page and each series form page
(``/webinars/series/<id>/register/``), alternately, after a warm-up, and prints for each the SQL
queries of a warm request (the fragments cached, as most views are), the median time, and the size
of the HTML. Goal: the same number of queries at both sizes ("constant"); the time and the size are
printed with their ratio to the small series, the size with the goal that the page stays readable
(paged: ``SERIES_SESSIONS_PER_PAGE`` dates per page).
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

DB_NAME = "ww_scale_series"
SMALL = 5
LARGE = 500
QUICK_LARGE = 50


def _django(db_name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["WW_DB"] = "postgres"
    os.environ["WW_PG_NAME"] = db_name
    import django

    django.setup()


def build_series(home, count: int, title: str):
    """A series with ``count`` dates (four in five upcoming), 100 places each, a few taken."""
    import datetime
    import secrets

    from django.utils import timezone

    from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
    from wagtail_webinars.models import Registration
    from wagtail_webinars.models.registrations import email_key_for, hash_token

    series = WebinarSeriesPageFactory(parent=home, title=title, registration_capacity=100)
    now = timezone.now()
    past = count // 5
    rows = []
    for index in range(count):
        start = now + datetime.timedelta(days=index - past, hours=1)
        session = WebinarSessionPageFactory(
            parent=series,
            title=f"{title}, del {index + 1}",
            start=start,
            end=start + datetime.timedelta(minutes=90),
        )
        for n in range(3):
            email = f"deltagare{n}.{session.pk}@kommun.example"
            registration = Registration(
                session=session,
                status="confirmed" if n else "waitlisted",
                name=f"Deltagare {n}",
                email=email,
                email_key=email_key_for(email),
                places=1,
                token_key=secrets.token_hex(16),
            )
            registration.token_hash = hash_token(registration.token)
            rows.append(registration)
    Registration.objects.bulk_create(rows)
    return series


def timed_get(client, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.content)


def measure(large: int, iterations: int, warmup: int = 3) -> dict[str, dict[str, float]]:
    """Queries, median seconds and bytes of each page at both sizes."""
    from bench.loadtest import recreate_database

    recreate_database(DB_NAME)
    _django(DB_NAME)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.conftest import ensure_wagtail_tree

    call_command("migrate", verbosity=0)
    home = ensure_wagtail_tree().root_page
    small = build_series(home, SMALL, "Liten serie")
    big = build_series(home, large, "Stor serie")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    urls = {
        "page_small": small.url,
        "page_large": big.url,
        "form_small": reverse("wagtail_webinars:series_register", args=[small.pk]),
        "form_large": reverse("wagtail_webinars:series_register", args=[big.pk]),
    }
    found: dict[str, dict[str, float]] = {}
    for name, url in urls.items():
        for _ in range(warmup):
            timed_get(client, url)
        with CaptureQueriesContext(connection) as captured:
            _, size = timed_get(client, url)
        found[name] = {"queries": len(captured), "bytes": size}
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(iterations):
        for name, url in urls.items():
            times[name].append(timed_get(client, url)[0])
    for name in urls:
        found[name]["seconds"] = statistics.median(times[name])
    return found


def _rows(found: dict, large: int) -> list[dict]:
    rows = []
    for kind, label in (("page", "series page"), ("form", "series form")):
        s, big = found[f"{kind}_small"], found[f"{kind}_large"]
        rows.append(
            {
                "measure": f"{label}: SQL queries at {large} vs {SMALL} sessions",
                "value": big["queries"],
                "baseline": s["queries"],
                "ratio": big["queries"] / s["queries"],
                "goal": "constant",
                "ok": big["queries"] == s["queries"],
                "note": "warm fragment cache, PostgreSQL",
            }
        )
        rows.append(
            {
                "measure": f"{label}: median ms at {large} vs {SMALL} sessions",
                "value": round(big["seconds"] * 1000, 2),
                "baseline": round(s["seconds"] * 1000, 2),
                "ratio": big["seconds"] / s["seconds"],
                "goal": "",
                "ok": None,
                "note": "reported, no goal of its own",
            }
        )
        rows.append(
            {
                "measure": f"{label}: HTML bytes at {large} vs {SMALL} sessions",
                "value": big["bytes"],
                "baseline": s["bytes"],
                "ratio": big["bytes"] / s["bytes"],
                "goal": "",
                "ok": None,
                "note": "dates paged, SERIES_SESSIONS_PER_PAGE a page"
                if kind == "page"
                else "every open date, grouped by month",
            }
        )
    return rows


def results(quick: bool) -> list[dict]:
    """The rows of bench/run.py's table (see /work/HELPERS.md for the keys). Measured in a
    process of its own, as the command line runs it, so that this bench's settings never meet
    another bench's in the caller's process."""
    found = _run_json(["--quick"] if quick else [])
    return _rows(found, found["large"])


def _run_json(arguments: list[str]) -> dict:
    import json
    import subprocess

    command = [sys.executable, str(Path(__file__).resolve()), "--json", *arguments]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LARGE} sessions, not {LARGE}")
    parser.add_argument("--large", type=int, help="sessions in the large series")
    parser.add_argument("--iterations", type=int)
    # For results(): the figures as one line of JSON instead of the report.
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    large = args.large or (QUICK_LARGE if args.quick else LARGE)
    iterations = args.iterations or (5 if args.quick else 15)
    from bench.loadtest import drop_database

    try:
        found = measure(large, iterations)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(DB_NAME)
    if args.json:
        import json

        print(json.dumps({**found, "large": large}))
        return
    for row in _rows(found, large):
        ok = {True: "ok", False: "NOT MET", None: ""}[row["ok"]]
        goal = f" (goal: {row['goal']}) {ok}" if row["goal"] else ""
        print(
            f"{row['measure']}: {row['value']} against {row['baseline']}, "
            f"ratio {row['ratio']:.2f}{goal}"
        )


if __name__ == "__main__":
    main()

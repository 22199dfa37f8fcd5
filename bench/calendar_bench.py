"""Calendar feed benchmark: how building a series' feed (``<prefix>/series/<id>/calendar.ics``)
grows with the number of its sessions, and what it costs in SQL queries.

Usage, from the repo root (SQLite, nothing to set up; under a minute):

    .venv/bin/python bench/calendar_bench.py
    .venv/bin/python bench/calendar_bench.py --sizes 50 100 200 500 --iterations 5

It migrates a throw-away SQLite database (bench/settings.py), builds one series per size with
that many published sessions, and fetches each feed through Django's test Client (routing,
view, the calendar builder, icalendar's serialiser) after one warm-up request. It prints, per
size, the median time and the SQL queries of a request; the baseline is the smallest size, and
the ratio is the time per session against the baseline's (1.0 is linear growth). Goals: the same
number of queries at every size, linear growth, and under 0.5 s for 500 sessions.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


#: ``--quick``: two sizes, small enough for CI (the 0.5 s goal is checked at 500 only).
QUICK_SIZES = [5, 100]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 100, 200, 500])
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="sizes 5 and 100, 3 iterations")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.iterations = QUICK_SIZES, 3
    measure(args.sizes, args.iterations)


def results(quick: bool) -> list[dict]:
    """The row of bench/run.py's table: the largest feed's time per session against the
    smallest's, the queries the same at every size."""
    sizes = QUICK_SIZES if quick else [5, 50, 100, 200, 500]
    measured = measure(sizes, 3 if quick else 5)
    small, large = sizes[0], sizes[-1]
    per_session = (measured[large][0] / large) / (measured[small][0] / small)
    queries = {q for _elapsed, q in measured.values()}
    return [
        {
            "measure": f"series calendar feed: s per session at {large} vs {small} sessions",
            "value": measured[large][0],
            "baseline": measured[small][0],
            "ratio": per_session,
            "goal": "linear (per session <= 1.0x), same queries"
            + (", < 0.5 s" if large >= 500 else ""),
            "ok": per_session <= 1.0
            and len(queries) == 1
            and (large < 500 or measured[large][0] < 0.5),
            "note": f"queries {sorted(queries)}",
        }
    ]


def measure(sizes: list[int], iterations: int) -> dict[int, tuple[float, int]]:
    """Build a series per size, time its feed, print the table; (median s, queries) per size."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from tests.conftest import ensure_wagtail_tree
    from wagtail_webinars.pagemodel import series_page_model, session_page_model

    call_command("migrate", run_syncdb=True, verbosity=0)
    home = ensure_wagtail_tree().root_page
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    feeds = {}
    for size in sizes:
        series = home.add_child(
            instance=series_page_model()(title=f"Serie med {size} datum", slug=f"serie-{size}")
        )
        series.save_revision().publish()
        for n in range(size):
            begins = start + datetime.timedelta(days=n)
            session = series.add_child(
                instance=session_page_model()(
                    title=f"Del {n + 1}",
                    slug=f"del-{n + 1}",
                    start=begins,
                    end=begins + datetime.timedelta(hours=1),
                    lead="Ett webbinarium om det demokratiska samtalet.",
                )
            )
            session.save_revision().publish()
        feeds[size] = reverse("wagtail_webinars:series_calendar", args=[series.pk])

    client = Client()
    results = {}
    for size, url in feeds.items():
        assert client.get(url).status_code == 200  # warm-up: Wagtail's site cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)
        assert response.content.count(b"BEGIN:VEVENT") == size
        timings = []
        for _ in range(iterations):
            began = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - began)
        results[size] = (statistics.median(timings), queries)

    base_size = sizes[0]
    base_time = results[base_size][0]
    print(f"series feed, median of {iterations} requests each (baseline: {base_size} sessions)")
    print(f"{'sessions':>9} {'time':>10} {'queries':>8} {'time per session vs baseline':>30}")
    for size, (elapsed, queries) in results.items():
        per_session = (elapsed / size) / (base_time / base_size)
        print(f"{size:>9} {elapsed * 1000:>8.1f} ms {queries:>8} {per_session:>30.2f}")
    largest = max(results)
    counts = {queries for _elapsed, queries in results.values()}
    print(
        f"queries constant: {'yes' if len(counts) == 1 else 'no'} ({sorted(counts)}); "
        f"{largest} sessions in {results[largest][0]:.3f} s (goal: under 0.5 s)"
    )
    return results


if __name__ == "__main__":
    main()

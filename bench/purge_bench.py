"""The retention rule at scale: ``webinars_purge_personal_data`` over 100,000 registrations whose
sessions ended long ago, as a ratio to the same over 1,000, on PostgreSQL.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432, user postgres; a few minutes):

    .venv/bin/python bench/purge_bench.py
    .venv/bin/python bench/purge_bench.py --small 1000 --large 20000

It fills a throw-away database per size as bench/admin_bench.py does (ten sessions, two outbox
e-mails per registration), moves the sessions a year into the past, and runs the command in a
process of its own: time, peak memory of the whole process (``ru_maxrss``, Django included), and
then checks that no registration keeps a name or an address and that the counts (status, places,
municipality) are what they were. A second run must erase nothing. What it should show: time
linear in the rows, memory flat (the rule works in batches of primary keys).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.admin_bench import _django  # noqa: E402


def counts() -> dict:
    from django.db.models import Count, Sum

    from wagtail_webinars.models import Registration

    return {
        "rows": Registration.objects.count(),
        "places": Registration.objects.aggregate(n=Sum("places"))["n"],
        "by_status": dict(
            Registration.objects.order_by().values_list("status").annotate(n=Count("pk"))
        ),
        "by_municipality": dict(
            Registration.objects.order_by().values_list("municipality_code").annotate(n=Count("pk"))
        ),
    }


def age_sessions(db_name: str) -> None:
    _django(db_name)
    import datetime

    from django.utils import timezone

    from wagtail_webinars.pagemodel import session_page_model

    past = timezone.now() - datetime.timedelta(days=365)
    session_page_model().objects.update(start=past, end=past + datetime.timedelta(hours=2))


def measure(db_name: str) -> dict:
    _django(db_name)
    from django.core.management import call_command

    from wagtail_webinars.models import Registration, RetentionRun

    before = counts()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    call_command("webinars_purge_personal_data", verbosity=0)
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    erased = RetentionRun.objects.latest("ran_at").registrations
    call_command("webinars_purge_personal_data", verbosity=0)
    again = RetentionRun.objects.latest("ran_at").registrations
    left = (
        Registration.objects.exclude(name="").count()
        + Registration.objects.exclude(email="").count()
    )
    return {
        "seconds": took,
        "erased": erased,
        "second_run": again,
        "names_or_addresses_left": left,
        "counts_unchanged": counts() == before,
        "peak_mb": peak / 1024,
        "own_mb": (peak - rss_before) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="--small 300 --large 3000")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    if args.quick:
        args.small, args.large = QUICK
    sys.exit(0 if correct(collect(args.small, args.large)) else 1)


#: ``--quick``: the same growth of ten, at sizes CI can fill in seconds.
QUICK = (300, 3000)


def results(quick: bool) -> list[dict]:
    """The row of bench/run.py's table: the purge at the large size against the small one."""
    small_n, large_n = QUICK if quick else (1000, 100_000)
    measured = collect(small_n, large_n)
    small, large = measured[small_n], measured[large_n]
    factor = large_n / small_n
    ratio = large["seconds"] / small["seconds"]
    memory = large["peak_mb"] / small["peak_mb"]
    right = correct(measured)
    return [
        {
            "measure": f"purge of personal data: s at {large_n:,} vs {small_n:,} registrations",
            "value": large["seconds"],
            "baseline": small["seconds"],
            "ratio": ratio,
            "goal": f"linear (<= {factor * 1.5:g}x), memory flat",
            "ok": right and ratio <= factor * 1.5 and memory <= 1.5,
            "wrong": not right,
            "note": f"peak memory {memory:.2f}x ({large['peak_mb']:.0f} MB)"
            + ("" if right else "; WRONG: something left or counts changed"),
        }
    ]


def collect(small_n: int, large_n: int) -> dict[int, dict]:
    """Fill a database per size, purge it, print the table; the numbers per size."""
    from bench.loadtest import drop_database

    results = {}
    for n in (small_n, large_n):
        db_name = f"ww_bench_purge_{n}"
        subprocess.run(
            [
                sys.executable,
                str(REPO / "bench" / "admin_bench.py"),
                "--populate",
                str(n),
                "--db",
                db_name,
            ],
            check=True,
            cwd=REPO,
        )
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(REPO)!r}); "
                f"from bench.purge_bench import age_sessions; age_sessions({db_name!r})",
            ],
            check=True,
            cwd=REPO,
        )
        output = subprocess.run(
            [sys.executable, __file__, "--measure", db_name],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        ).stdout
        results[n] = json.loads(output.strip().splitlines()[-1])
        drop_database(db_name)

    print(
        f"{'rows':>7} {'time s':>8} {'erased':>7} {'2nd run':>7} {'left':>5} {'counts':>7} "
        f"{'peak MB':>8} {'own MB':>7}"
    )
    for n, r in results.items():
        print(
            f"{n:>7} {r['seconds']:>8.2f} {r['erased']:>7} {r['second_run']:>7} "
            f"{r['names_or_addresses_left']:>5} {'same' if r['counts_unchanged'] else 'DIFF':>7} "
            f"{r['peak_mb']:>8.0f} {r['own_mb']:>7.0f}"
        )
    small, large = results[small_n], results[large_n]
    print(
        f"ratios {large_n:,} / {small_n:,} rows: time "
        f"{large['seconds'] / small['seconds']:.1f}x, peak memory "
        f"{large['peak_mb'] / small['peak_mb']:.2f}x ({large['peak_mb']:.0f} MB)"
    )
    return results


def correct(results: dict[int, dict]) -> bool:
    """Every registration erased once, nothing left, the counts kept."""
    return all(
        r["erased"] == n
        and r["second_run"] == 0
        and not r["names_or_addresses_left"]
        and r["counts_unchanged"]
        for n, r in results.items()
    )


if __name__ == "__main__":
    main()

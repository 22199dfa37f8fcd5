"""Where a registration's time goes: cProfile over N registrations through the JSON endpoint, in
one process, through Django's test Client (middleware, view, form, service, e-mail), on the
peer benchmark's settings (bench/peer_settings.py: PostgreSQL, Redis, rate limits on, e-mail to
files).

Usage, from the repo root (PostgreSQL and Redis on loopback; under a minute):

    .venv-w8/bin/python bench/profile_requests.py                      # default setup
    .venv-w8/bin/python bench/profile_requests.py --setup production   # e-mail queued
    .venv-w8/bin/python bench/profile_requests.py --requests 500 --top 40 --sort tottime
    .venv-w8/bin/python bench/profile_requests.py --feedback           # feedback answers
    .venv-w8/bin/python bench/profile_requests.py --setup production --locked  # the lock's share

It prints the mean wall time of a request without the profiler, the SQL queries and Redis
commands of one request, and the top functions by cumulative (or ``--sort``) time over
``--requests`` profiled requests. bench/PROFILE.md says what the profiles showed.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import itertools
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if "--code" in sys.argv:
    # The package from another checkout (the code before a change), the bench from this one.
    sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])
    import wagtail_webinars  # noqa: F401
sys.path.insert(0, str(REPO))

from bench.registration_bench import prepare, registrant, warm_up_body  # noqa: E402

DB = "ww_bench_profile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", choices=("default", "production"), default="default")
    parser.add_argument("--feedback", action="store_true", help="profile feedback answers")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30, help="0: time only, no profile")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--code", help="import wagtail_webinars from this checkout")
    parser.add_argument(
        "--compare",
        metavar="CHECKOUT",
        help="time this checkout's package against CHECKOUT's, alternately, without profiling",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --compare")
    parser.add_argument(
        "--locked",
        action="store_true",
        help="time the statements a registration runs while it holds the session's lock",
    )
    args = parser.parse_args()
    if args.compare:
        compare(args)
        return

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer_settings"
    os.environ["WW_BENCH_DB"] = DB
    os.environ["WW_BENCH_SETUP"] = args.setup
    os.environ["WW_BENCH_MAIL_DIR"] = tempfile.mkdtemp(prefix="ww-bench-profile-mail-")
    from bench.loadtest import drop_database, recreate_database

    recreate_database(DB)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(DB)


def compare(args: argparse.Namespace) -> None:
    """Both checkouts in turn, ``--rounds`` times each: the median wall time of each."""
    import re
    import statistics
    import subprocess

    command = [sys.executable, __file__, "--setup", args.setup, "--requests", str(args.requests)]
    command += ["--top", "0"] + (["--feedback"] if args.feedback else [])
    times: dict[str, list[float]] = {"before": [], "after": []}
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    trips: dict[str, str] = {}
    for _ in range(args.rounds):
        for label, code in (("before", args.compare), ("after", str(REPO))):
            output = subprocess.run(
                [*command, "--code", code], capture_output=True, text=True, check=True
            ).stdout
            times[label].append(float(re.search(r"profiler: ([\d.]+) ms", output).group(1)))
            cpu[label].append(float(re.search(r"process ([\d.]+) ms", output).group(1)))
            trips[label] = re.search(r"one request: (.*)", output).group(1)
    what = "feedback answers" if args.feedback else f"registrations, {args.setup} setup"
    print(f"{what}, {args.requests} requests per run, {args.rounds} runs each, alternately")
    for label in ("before", "after"):
        print(
            f"{label:>6} ({args.compare if label == 'before' else REPO}): median "
            f"{statistics.median(times[label]):.2f} ms per request "
            f"({', '.join(f'{t:.1f}' for t in times[label])}), CPU "
            f"{statistics.median(cpu[label]):.2f} ms; {trips[label]}"
        )
    ratio = statistics.median(times["before"]) / statistics.median(times["after"])
    cpu_ratio = statistics.median(cpu["before"]) / statistics.median(cpu["after"])
    print(f"speed-up: wall time {ratio:.2f}x, CPU time {cpu_ratio:.2f}x")


def run(args: argparse.Namespace) -> None:
    session_id = prepare(capacity=1_000_000)
    import json

    import redis
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from wagtail_webinars.models import WebinarSessionPage

    cache.clear()
    home_id = WebinarSessionPage.objects.get(pk=session_id).get_parent().pk
    client = Client(
        HTTP_HOST="127.0.0.1", HTTP_ORIGIN="http://127.0.0.1", HTTP_ACCEPT_LANGUAGE="sv"
    )
    if args.feedback:
        path = "/webinars/api/feedback/"

        def body(n: int) -> dict:
            return {
                "page": home_id,
                "helpful": False,
                "comment": f"Kommentar nr {n}, 070-123 45 67",
            }

        warm_body = body
    else:
        path = f"/webinars/api/sessions/{session_id}/registrations/"
        body, warm_body = registrant, warm_up_body
    numbers = itertools.count()

    def request(make) -> None:
        response = client.post(
            path, json.dumps(make(next(numbers))), content_type="application/json"
        )
        assert response.status_code == 201, (response.status_code, response.content[:300])

    for _ in range(20):
        request(warm_body)

    # Redis commands of one request: every command and every pipeline is one round trip.
    round_trips: collections.Counter = collections.Counter()
    command = redis.Redis.execute_command
    pipeline = redis.client.Pipeline.execute

    def counted_command(self, *a, **k):
        if not isinstance(self, redis.client.Pipeline):
            round_trips[a[0]] += 1
        return command(self, *a, **k)

    def counted_pipeline(self, *a, **k):
        round_trips["pipeline"] += 1
        return pipeline(self, *a, **k)

    redis.Redis.execute_command = counted_command
    redis.client.Pipeline.execute = counted_pipeline
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        request(body)
    redis.Redis.execute_command = command
    redis.client.Pipeline.execute = pipeline

    if args.locked:
        locked_section(request, body, args.requests)
        return

    began, cpu_began = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        request(body)
    wall = (time.perf_counter() - began) / args.requests
    cpu = (time.process_time() - cpu_began) / args.requests

    profiler = cProfile.Profile()
    if args.top:
        profiler.enable()
        for _ in range(args.requests):
            request(body)
        profiler.disable()

    what = "feedback answers" if args.feedback else f"registrations, {args.setup} setup"
    print(f"{what}: {args.requests} requests through the test Client")
    print(
        f"mean wall time without the profiler: {wall * 1000:.2f} ms per request, "
        f"CPU time of this process {cpu * 1000:.2f} ms"
    )
    print(
        f"one request: {len(queries)} SQL queries, {sum(round_trips.values())} Redis round trips "
        f"({dict(round_trips)})"
    )
    for sql in queries:
        print("  SQL", sql[:160])
    print()
    if args.top:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)


def locked_section(request, body, n: int) -> None:
    """Median times of ``n`` registrations: the whole request, and the section from the
    session's lock (``SELECT … FOR UPDATE``) to the end of the commit, which every other
    registration for the session waits out; each statement in it with the Python before it."""
    import statistics

    from django.db import connection

    events: list[tuple[str, float, float]] = []

    def record(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = sql.split()
            name = " ".join(words[:3]) if words[0] == "INSERT" else words[0]
            if sql.rstrip().endswith("FOR UPDATE") or " FOR UPDATE OF " in sql:
                name = "SELECT ... FOR UPDATE"
            events.append((name, began, time.perf_counter()))

    commit = connection._commit

    def timed_commit():
        began = time.perf_counter()
        try:
            return commit()
        finally:
            events.append(("COMMIT", began, time.perf_counter()))

    times: dict[str, list[float]] = collections.defaultdict(list)
    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(record):
            for _ in range(n):
                events.clear()
                began = time.perf_counter()
                request(body)
                times["request"].append(time.perf_counter() - began)
                lock = next(i for i, e in enumerate(events) if "FOR UPDATE" in e[0])
                end = next(i for i, e in enumerate(events) if e[0] == "COMMIT")
                inside = events[lock + 1 : end + 1]
                section = events[end][2] - events[lock][2]
                in_statements = sum(e[2] - e[1] for e in inside)
                times["locked: from the lock granted to the commit done"].append(section)
                times["  in the statements"].append(in_statements)
                times["  in Python between them"].append(section - in_statements)
                previous = events[lock][2]
                for position, (name, _, ended) in enumerate(inside, 1):
                    times[f"  {position}. {name} (and the Python before it)"].append(ended - previous)
                    previous = ended
    finally:
        del connection._commit
    print(f"the session's lock, median of {n} registrations:")
    for label, values in times.items():
        print(f"  {label:<60} {statistics.median(values) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()

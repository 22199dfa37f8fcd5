"""Registrations per second of two checkouts of the package, under gunicorn, alternately: the code
before a change (A) against the code after it (B), on the peer benchmark's settings and load
(bench/peer_bench.py: PostgreSQL, Redis, 2 sync workers each, 8 clients), into one session of
both that fills up as it goes, with the CPU time per answer of each part of the machine.

Usage, from the repo root (PostgreSQL and Redis on loopback; about 90 s at 5 rounds):

    git worktree add /tmp/before <commit>
    .venv-w8/bin/python bench/ab_checkouts.py /tmp/before .              # production setup
    .venv-w8/bin/python bench/ab_checkouts.py /tmp/before . --setup default --rounds 3

A, B, A, …, A: ``--rounds`` phases of B between ``--rounds + 1`` of A, so that a machine that
slows down or speeds up meanwhile, or a session that grows, weighs on both alike. Each side
imports the package and the bench settings from its own checkout (gunicorn's working directory
is first on its Python path); the load and the bodies come from this one. Prints B/A.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import peer_bench  # noqa: E402
from bench.loadtest import free_port, start_gunicorn, stop_gunicorn  # noqa: E402


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="checkout A (before)")
    parser.add_argument("b", type=Path, help="checkout B (after)")
    parser.add_argument("--setup", choices=("default", "production"), default="production")
    parser.add_argument("--rounds", type=int, default=5, help="phases of B")
    parser.add_argument("--seconds", type=float, default=6.0, help="per phase")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, each side")
    return parser


def main() -> None:
    args = parser().parse_args()
    os.environ["WW_BENCH_MAIL_DIR"] = tempfile.mkdtemp(prefix="ww-bench-ab-mail-")
    os.environ["WW_BENCH_DB"] = peer_bench.OURS_DB
    peer_bench.recreate_database(peer_bench.OURS_DB)
    servers = []
    try:
        session_id = peer_bench.prepare(100_000)  # django.setup() with bench.peer_settings
        from django.db import connection

        connection.close()
        endpoint = f"/webinars/api/sessions/{session_id}/registrations/"
        numbers = itertools.count()
        sides = {}
        for label, checkout in (("A", args.a), ("B", args.b)):
            port = free_port()
            server = start_gunicorn(
                port,
                args.workers,
                "bench.peer_settings",
                "bench.registration_wsgi:application",
                cwd=checkout.resolve(),
                env={"WW_BENCH_SETUP": args.setup},
            )
            servers.append(server)
            peer_bench.warm(
                port, endpoint, peer_bench.warm_up_body, workers=args.workers, numbers=numbers
            )
            sides[label] = (port, server.pid)
        phase = dict(
            clients=args.clients, seconds=args.seconds, max_requests=50_000, numbers=numbers
        )
        rates: dict[str, list[float]] = {"A": [], "B": []}
        cpu = {"A": collections.Counter(), "B": collections.Counter()}
        answers = {"A": 0, "B": 0}
        failed = collections.Counter()
        for label in ["A", "B"] * args.rounds + ["A"]:
            port, pid = sides[label]
            rate, statuses, used = peer_bench._phase_cpu(
                pid,
                lambda port=port: peer_bench.run_phase(
                    port, endpoint, peer_bench.registrant, **phase
                ),
            )
            rates[label].append(rate)
            cpu[label].update(used)
            answers[label] += statuses[201]
            failed.update({f"{label} {k}": v for k, v in statuses.items() if k != 201})
    finally:
        for server in servers:
            stop_gunicorn(server)
        peer_bench.drop_database(peer_bench.OURS_DB)

    means = {label: statistics.mean(values) for label, values in rates.items()}
    print(
        f"{args.setup} setup, {args.clients} clients, {args.workers} gunicorn workers each, "
        f"phases of {args.seconds:g} s"
    )
    for label, checkout in (("A", args.a), ("B", args.b)):
        used = cpu[label]
        print(
            f"{label} {checkout}: {means[label]:.1f} registrations/s "
            f"({', '.join(f'{r:.0f}' for r in rates[label])}); CPU ms per answer: "
            + ", ".join(
                f"{part} {1000 * used[part] / max(1, answers[label]):.2f}"
                for part in peer_bench.CPU_PARTS
            )
        )
    print(f"B/A: {means['B'] / means['A']:.3f}")
    if failed:
        print(
            "FAIL: requests not answered 201: " + ", ".join(f"{k}: {v}" for k, v in failed.items())
        )
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Every benchmark behind one command: one markdown table of ratios against baselines measured in
the same run, with the machine it came from.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432 user postgres, Redis on 127.0.0.1:6379):

    .venv-w8/bin/python bench/run.py                 # every bench, full size (tens of minutes)
    .venv-w8/bin/python bench/run.py --quick         # every bench, small sizes (a few minutes)
    .venv-w8/bin/python bench/run.py --only peer_bench --only feedback_bench

Each module of ``BENCHES`` runs in a process of its own (``bench/run.py --child NAME``), which
imports it and calls its ``results(quick)``: a list of rows with the keys ``measure``, ``value``,
``baseline``, ``ratio``, ``goal``, ``ok`` and ``note``. What a bench prints on the way goes to
``bench/results/<name>.log``. A module that is not there, has no ``results()``, fails or runs
past ``--timeout`` gets one row saying so (``ok`` is "missing" or "failed"). The exit status is 1
when a bench failed or found something wrong (its ``note`` says what), or, with ``--strict``, when
any goal is not met; a missing bench and a goal not met are in the table either way.

Where the table goes: always to stdout. A full run of every bench (no ``--quick``, no ``--only``)
writes ``bench/results/latest.md`` (committed) and replaces the README's section between
``<!-- bench-results -->`` and ``<!-- /bench-results -->`` unless ``--no-readme``; any other run
writes ``bench/results/quick.md`` or ``bench/results/only.md`` (ignored by git) and never touches
the README, so a quick run cannot rewrite it.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
README = REPO / "README.md"
START_MARK = "<!-- bench-results -->"
END_MARK = "<!-- /bench-results -->"

#: Every bench module, in the order of the table. One that is not (yet) in bench/ gets a
#: "missing" row, so that a bench that disappears is seen.
BENCHES = (
    "peer_bench",
    "registration_bench",
    "feedback_bench",
    "render_bench",
    "series_bench",
    "registration_scale_bench",
    "calendar_bench",
    "admin_bench",
    "purge_bench",
    "commands_bench",
    "frontend_cache_bench",
)

#: ``wrong`` (optional, true when the bench found a fault rather than a slow number, such as an
#: overbooking or a failed request) makes the run fail.
KEYS = ("measure", "value", "baseline", "ratio", "goal", "ok", "note", "wrong")


def child(name: str, quick: bool, out: Path) -> None:
    """In the bench's own process: call ``results(quick)`` and write its rows as JSON."""
    sys.path.insert(0, str(REPO))
    # What the bench prints is its log, not our table: stdout goes to stderr (the log file).
    sys.stdout = sys.stderr
    module = importlib.import_module(f"bench.{name}")
    rows = module.results(quick)
    out.write_text(json.dumps([{k: row.get(k) for k in KEYS} for row in rows], default=str))


def run_one(name: str, quick: bool, timeout: float) -> tuple[list[dict], float]:
    """Run one bench in a subprocess; its rows, or one row saying why there are none."""
    started = time.monotonic()
    if not (REPO / "bench" / f"{name}.py").exists():
        return [_problem(name, "missing", "no bench/" + name + ".py")], 0.0
    out = RESULTS / f"{name}.json"
    out.unlink(missing_ok=True)
    log = RESULTS / f"{name}.log"
    command = [sys.executable, __file__, "--child", name, "--out", str(out)]
    if quick:
        command.append("--quick")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        with log.open("w") as log_file:
            process = subprocess.run(
                command, cwd=REPO, env=env, stdout=log_file, stderr=log_file, timeout=timeout
            )
    except subprocess.TimeoutExpired:
        return [_problem(name, "failed", f"timed out after {timeout:.0f} s")], timeout
    took = time.monotonic() - started
    if process.returncode != 0 or not out.exists():
        last = _last_line(log)
        if "has no attribute 'results'" in last:
            return [_problem(name, "missing", "no results(quick) yet")], took
        return [_problem(name, "failed", f"exit {process.returncode}: {last}")], took
    rows = json.loads(out.read_text())
    if not rows:
        return [_problem(name, "failed", "results() gave no rows")], took
    return rows, took


def _last_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip()[:160] if lines else "no output"


def _problem(name: str, ok: str, note: str) -> dict:
    return {
        "measure": name,
        "value": None,
        "baseline": None,
        "ratio": None,
        "goal": "",
        "ok": ok,
        "note": note,
    }


def _number(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 100:
        return f"{int(value):,}".replace(",", " ")
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _ok(ok) -> str:
    return {True: "yes", False: "**no**", None: "–"}.get(ok, f"**{ok}**")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(rows: list[dict]) -> str:
    lines = [
        "| measure | value | baseline | ratio | goal | ok | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        ratio = row.get("ratio")
        ratio_text = f"{ratio:.2f}×" if isinstance(ratio, int | float) else _number(ratio)
        cells = [
            row.get("measure") or "",
            _number(row.get("value")),
            _number(row.get("baseline")),
            ratio_text,
            row.get("goal") or "",
            _ok(row.get("ok")),
            row.get("note") or "",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """CPU model, cores, RAM: what a reader needs to compare a table with their own."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores{ram}"


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (with uncommitted changes)" if dirty else "")


def versions() -> str:
    import django
    import wagtail

    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}"
    )


def header(quick: bool, only: list[str] | None) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    kind = "quick run (`--quick`)" if quick else "full run"
    if only:
        kind += ", only " + ", ".join(only)
    return (
        f"Machine: {machine()}. Date: {now}. Commit: {git_commit()}. {versions()}. {kind}; "
        "every ratio is against a baseline measured in the same run "
        "(`.venv-w8/bin/python bench/run.py`)."
    )


def replace_readme_section(text: str) -> None:
    readme = README.read_text()
    if START_MARK not in readme or END_MARK not in readme:
        raise SystemExit(f"README.md has no {START_MARK} … {END_MARK} section")
    before, rest = readme.split(START_MARK, 1)
    _, after = rest.split(END_MARK, 1)
    README.write_text(f"{before}{START_MARK}\n{text}\n{END_MARK}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="this bench only (repeat)")
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes in all")
    parser.add_argument("--no-readme", action="store_true", help="never rewrite README.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    parser.add_argument("--timeout", type=float, help="seconds per bench (default 900, quick 240)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.quick, args.out)
        return

    names = list(BENCHES)
    if args.only:
        only = [name.removesuffix(".py").removeprefix("bench/") for name in args.only]
        unknown = [name for name in only if name not in BENCHES]
        if unknown:
            parser.error(f"unknown bench {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        names = only
    timeout = args.timeout or (240.0 if args.quick else 900.0)
    RESULTS.mkdir(exist_ok=True)
    rows: list[dict] = []
    for name in names:
        print(f"{name} …", end=" ", flush=True, file=sys.stderr)
        bench_rows, took = run_one(name, args.quick, timeout)
        print(f"{took:.0f} s", file=sys.stderr)
        rows += bench_rows

    text = header(args.quick, args.only) + "\n\n" + table(rows)
    print("\n" + text, flush=True)
    full = not args.quick and not args.only
    target = RESULTS / ("latest.md" if full else "quick.md" if args.quick else "only.md")
    target.write_text(text + "\n")
    if full and not args.no_readme:
        replace_readme_section(text)
    failed = [row for row in rows if row.get("ok") == "failed" or row.get("wrong")]
    unmet = [row for row in rows if row.get("ok") is False]
    sys.exit(1 if failed or (args.strict and unmet) else 0)


if __name__ == "__main__":
    main()

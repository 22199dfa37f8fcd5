"""Attack every JSON endpoint with schemathesis, from the package's own OpenAPI document, against
a live server (issue 9's contract run, issue 11's fuzz run).

    .venv/bin/python scripts/fuzz_api.py [--examples 1000] [--seed 20270301]

Builds a throwaway SQLite site (``tests.settings_fuzz``: the demo content, one session with a
small capacity and no waiting list, one with a waiting list), serves it with gunicorn on a free
loopback port, and runs ``schemathesis run`` on ``<prefix>/api/openapi.json`` with a fixed seed:
positive and negative data, the examples and fuzzing phases, and the checks that every
answer is no 5xx and is as the document says (status, content type, body schema). The server's
own access log is then counted: the requests each operation got and how many answered 500 or
more. Fails unless schemathesis passed, no answer was >= 500 and every operation got at least
``--min-requests`` (1,000 by default).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "/kalender/webbinarier/"  # tests/urls.py
DOCUMENT = PREFIX + "api/openapi.json"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)

SET_UP = """
from wagtail_webinars.pagemodel import series_page_model, session_page_model
sessions = list(session_page_model().objects.live().order_by("start"))
full, waiting = sessions[-1], sessions[-2]
full.registration_capacity, full.registration_waitlist = 2, False
waiting.registration_capacity, waiting.registration_waitlist = 2, True
for page in (full, waiting):
    page.save_revision().publish()
print(",".join(str(s.pk) for s in sessions))
print(",".join(str(s.pk) for s in series_page_model().objects.live()))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def operation_of(method: str, path: str, templates: dict[tuple[str, str], str]) -> str:
    """The operationId whose path template matches, or ``"(undocumented) METHOD path"``."""
    parts = path.strip("/").split("/")
    for (op_method, template), operation_id in templates.items():
        pattern = template.strip("/").split("/")
        if (
            op_method == method
            and len(pattern) == len(parts)
            and all(p == a or p.startswith("{") for p, a in zip(pattern, parts, strict=True))
        ):
            return operation_id
    return f"(undocumented) {method} {path}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A little over the floor: an operation's run may end a few short of its maximum.
    parser.add_argument("--examples", type=int, default=1050, help="max examples per operation")
    parser.add_argument("--seed", type=int, default=20270301)
    parser.add_argument("--min-requests", type=int, default=1000)
    # One: Hypothesis describes strategies with ast.parse, which Python 3.11 cannot run in
    # threads at once ("AST constructor recursion depth mismatch", a runtime error per operation).
    parser.add_argument("--workers", default="1")
    args = parser.parse_args()

    python = sys.executable
    bin_dir = Path(python).parent
    work = Path(tempfile.mkdtemp(prefix="ww-fuzz-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_fuzz",
        "WW_FUZZ_DB": str(work / "fuzz.sqlite3"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("WW_DB", None)

    def django(*command: str) -> str:
        done = subprocess.run(
            [python, "-m", "django", *command], env=env, cwd=ROOT, check=True,
            capture_output=True, text=True,
        )  # fmt: skip
        return done.stdout

    server = None
    try:
        django("migrate", "--noinput", "-v0")
        django("webinars_load_demo")
        ids = django("shell", "-c", SET_UP).split()
        env["WW_FUZZ_SESSIONS"], env["WW_FUZZ_SERIES"] = ids[-2], ids[-1]
        print(f"site: sessions {ids[-2]}, series {ids[-1]} ({work})", flush=True)

        port = free_port()
        access_log = work / "access.log"
        server = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                # No request-line limit of gunicorn's own (a 414 before Django): the run is about
                # what our views answer to any query string, however long.
                "--limit-request-line", "0",
                "--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s",
                "--error-logfile", str(work / "error.log"),
                "django.core.wsgi:get_wsgi_application()",
            ],
            env=env, cwd=ROOT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_for(base + DOCUMENT)

        started = time.monotonic()
        run = subprocess.run(
            [
                str(bin_dir / "schemathesis"), "run", base + DOCUMENT,
                "--max-examples", str(args.examples), "--seed", str(args.seed),
                "--checks", CHECKS, "--mode", "all",
                # Not "coverage": its path mutations (`/sessions/-1/`) skip the hooks and reach
                # URLs that are not ours (the host's page serving answers them, in HTML).
                "--phases", "examples,fuzzing",
                "--workers", args.workers, "--suppress-health-check", "all",
                "--no-shrink", "--request-timeout", "30",
            ],
            # In the throwaway folder: schemathesis keeps its replay data in the working directory.
            env={**env, "SCHEMATHESIS_HOOKS": "scripts.fuzz_hooks"}, cwd=work,
        )  # fmt: skip
        took = time.monotonic() - started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)

    # The server's own count: every request it answered, by operation and status.
    templates = _templates(env)
    requests: collections.Counter[str] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()
    statuses: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    line_re = re.compile(r"^(\S+) (\S+) (\d{3})$")
    for line in access_log.read_text().splitlines():
        match = line_re.match(line.strip())
        if not match:
            continue
        method, path, status = match.groups()
        if path == DOCUMENT:
            continue
        operation = operation_of(method, path, templates)
        requests[operation] += 1
        statuses[operation][status] += 1
        if int(status) >= 500:
            errors[operation] += 1

    print(f"\nschemathesis exit {run.returncode}, {took:.0f}s; requests the server answered:")
    print(f"  {'operation':<22} {'requests':>9} {'>=500':>6}  statuses")
    for operation in sorted(requests):
        spread = ", ".join(f"{s}: {n}" for s, n in sorted(statuses[operation].items()))
        print(f"  {operation:<22} {requests[operation]:>9} {errors[operation]:>6}  {spread}")
    print(f"  {'total':<22} {sum(requests.values()):>9} {sum(errors.values()):>6}")

    failures = []
    if run.returncode != 0:
        failures.append("schemathesis found answers that are not as the document says")
    if sum(errors.values()):
        failures.append(f"{sum(errors.values())} answers >= 500")
    short = [op for op in templates.values() if requests[op] < args.min_requests]
    if short:
        failures.append(f"fewer than {args.min_requests} requests: {', '.join(sorted(short))}")
    undocumented = [op for op in requests if op.startswith("(undocumented)")]
    if undocumented:
        print(f"  ({len(undocumented)} paths outside the document, counted above)")
    if failures:
        print("FAILED: " + "; ".join(failures))
        print(f"server log ({work / 'error.log'}), last lines:")
        print("\n".join((work / "error.log").read_text().splitlines()[-40:]))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("OK: no answer >= 500, every answer as documented.")
    return 0


def _templates(env: dict[str, str]) -> dict[tuple[str, str], str]:
    """(method, path template) → operationId, from the document built in a fresh process."""
    code = (
        "import json, django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from wagtail_webinars.openapi import build_document\n"
        "doc = build_document(RequestFactory().get('/'))\n"
        "print(json.dumps({f'{m.upper()} {p}': op['operationId'] "
        "for p, item in doc['paths'].items() for m, op in item.items()}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return {tuple(key.split(" ", 1)): value for key, value in json.loads(out).items()}


if __name__ == "__main__":
    sys.exit(main())

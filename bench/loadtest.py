"""What the load benchmarks share: a throw-away PostgreSQL database, gunicorn on loopback, and
client threads that POST JSON as fast as answers come, bounded in time and in count.

Only 127.0.0.1 is ever a target.
"""

from __future__ import annotations

import collections
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _admin_connection():
    import psycopg

    return psycopg.connect(host=HOST, user="postgres", dbname="postgres", autocommit=True)


def recreate_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_gunicorn(
    port: int,
    workers: int,
    settings_module: str,
    wsgi_app: str,
    *,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start gunicorn with sync workers on 127.0.0.1:port and wait until it accepts connections.

    ``cwd`` is the project's directory (on the Python path first); ``env`` adds variables."""
    env = dict(
        os.environ, **(env or {}), DJANGO_SETTINGS_MODULE=settings_module, PYTHONPATH=str(cwd)
    )
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        wsgi_app,
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--backlog", "256",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=cwd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                sys.exit("gunicorn exited before it served")
            time.sleep(0.1)
    process.terminate()
    sys.exit("gunicorn did not start within 30 s")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    if process is not None:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


#: A CSRF secret for form posts: the cookie a browser got with the form, and the same value in
#: the form's ``csrfmiddlewaretoken`` (Django accepts the unmasked secret).
CSRF_SECRET = "benchbenchbenchbenchbenchbench42"


def post(port: int, path: str, body: dict, *, form: bool = False) -> int:
    """POST a JSON body the way a same-origin frontend does, or (``form``) the body as an HTML
    form's fields the way a browser does, CSRF cookie and token included; return the status."""
    headers = {"Origin": f"http://{HOST}:{port}", "Accept-Language": "sv"}
    if form:
        fields = {"csrfmiddlewaretoken": CSRF_SECRET, **body}
        data = urllib.parse.urlencode(fields, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Cookie"] = f"csrftoken={CSRF_SECRET}"
        headers["Referer"] = f"http://{HOST}:{port}{path}"
    else:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("POST", path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def run_phase(
    port: int,
    path: str,
    make_body: Callable[[int], dict],
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    numbers: Iterator[int],
    success: int = 201,
    form: bool = False,
) -> tuple[float, collections.Counter]:
    """``clients`` threads post as fast as answers come, until time or count runs out.

    Each request gets a body from ``make_body(n)`` with a fresh number (sent as an HTML form's
    fields when ``form``). Returns (``success`` answers per second, status counts).
    """
    statuses: collections.Counter = collections.Counter()
    budget = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline and next(budget) < max_requests:
            try:
                status = post(port, path, make_body(next(numbers)), form=form)
            except OSError as error:
                status = type(error).__name__
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses[success] / (time.monotonic() - started), statuses


def failed_requests(*phases: collections.Counter, success: int = 201) -> dict:
    """Every answer other than ``success``, over all phases."""
    return {k: v for statuses in phases for k, v in statuses.items() if k != success}

"""A production-shaped run on loopback, as a region runs the package when one process is not
enough (issue 13), driven through HTTP and checked.

    .venv-w8/bin/python scripts/production_run.py          # CI runs it (.ci/run)

It starts, on 127.0.0.1: two gunicorn processes of the example project (2 workers each) on
`example_project.settings_production`, sharing one PostgreSQL database (`ww_prodrun`, created
anew) and one Redis (database 4, flushed); a task worker (`manage.py db_worker`, django-tasks-db,
`TASKS_BACKEND=database`); Varnish in front (Debian's `varnishd` with
`example_project/deploy/varnish.vcl`, both gunicorns behind it), purged through
`wagtail.contrib.frontend_cache` (`FRONTEND_CACHE_URL`); and an SMTP server of its own that
keeps every message the site sends. A TLS-terminating proxy is simulated by the
`X-Forwarded-Proto: https` and `X-Forwarded-For` headers each client sends (`BEHIND_PROXY=1`).

Then, through HTTP: the demo is loaded and read, an editor gives a session 50 places with a
waiting list in the admin (Chromium), 200 visitors register concurrently across both processes
while the number confirmed is watched, the worker is killed in the middle of sending and started
again, 10 confirmed visitors cancel with the link of their e-mail, 20 visitors answer the
feedback question, the cancel endpoint's rate limit is tried across both processes, the editor
moves the session by an hour and publishes, the reminders are queued, a session's registration
closes by the clock; pages are read through Varnish at every step. Each check prints one line;
the exit status is the number of failed checks (0: all held).

Settings for the run only (a module written to a temporary directory): `EMAIL_SENDING_TIMEOUT`
of 5 s, so that a message the killed worker had claimed is sent again within the run, not after
the 10 minutes of the default.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
PY = sys.executable
DATABASE = "ww_prodrun"
REDIS_DB = 4
CAPACITY = 50
VISITORS = 200
CANCELS = 10
FEEDBACK = 20
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

FAILED: list[str] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        FAILED.append(name)
    return ok


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# --- an SMTP server that keeps what it is sent ---------------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    def add(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)

    def snapshot(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return list(self.messages)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 production-run sink")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.add(b"".join(data))
                    data = None
                    self.reply("250 kept")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == b"DATA":
                data = []
                self.reply("354 end with .")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


# --- HTTP -----------------------------------------------------------------------------------


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    body=None,
    *,
    client: str = "198.51.100.1",
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request as it reaches the site through a TLS-terminating proxy."""
    all_headers = {
        "Host": "localhost",  # the Wagtail Site's hostname: PURGE names it, Varnish bans by it
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": client,
        "Accept-Language": "sv",
        **(headers or {}),
    }
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
        all_headers.setdefault("Origin", "https://localhost")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


# --- the processes --------------------------------------------------------------------------


class Site:
    """PostgreSQL, Redis, the gunicorns, the worker and Varnish, started and stopped."""

    def __init__(self, work: Path, varnish: bool) -> None:
        self.work = work
        self.processes: dict[str, subprocess.Popen] = {}
        self.sink = SmtpSink()
        threading.Thread(target=self.sink.serve_forever, daemon=True).start()
        self.app_ports = [free_port(), free_port()]
        self.varnish = varnish and bool(shutil.which("varnishd"))
        self.cache_port = free_port() if self.varnish else None
        settings_dir = work / "settings"
        settings_dir.mkdir()
        (settings_dir / "prodrun_settings.py").write_text(
            "from example_project.settings_production import *  # noqa: F403\n"
            "from example_project.settings_production import WAGTAIL_WEBINARS\n"
            "from wagtail_webinars.conf import DEFAULTS as _DEFAULTS\n"
            "if 'EMAIL_SENDING_TIMEOUT' in _DEFAULTS:\n"
            "    WAGTAIL_WEBINARS = {**WAGTAIL_WEBINARS, 'EMAIL_SENDING_TIMEOUT': 5}\n"
            # The editor's Chromium talks plain HTTP to a gunicorn that believes the proxy's
            # X-Forwarded-Proto: its Origin is http://, which CSRF then trusts by name.
            f"CSRF_TRUSTED_ORIGINS = ['http://127.0.0.1:{self.app_ports[0]}']\n"
        )
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WW_"))},
            "PYTHONPATH": os.pathsep.join([str(settings_dir), str(EXAMPLE), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "prodrun_settings",
            "DJANGO_SECRET_KEY": "production-run-" + "s" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.server_address[1]),
            "DEFAULT_FROM_EMAIL": "Region Exempel <webbinarier@region.example>",
            "ALLOWED_FRONTEND_ORIGINS": "https://www.kommun.example",
            "WAGTAILADMIN_BASE_URL": "https://127.0.0.1",
            "BEHIND_PROXY": "1",
            "TASKS_BACKEND": "database",
            "STATIC_ROOT": str(work / "static"),
        }
        if self.varnish:
            self.env["FRONTEND_CACHE_URL"] = f"http://127.0.0.1:{self.cache_port}"

    def manage(self, *args: str, check_ok: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [PY, "manage.py", *args],
            cwd=EXAMPLE,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check_ok and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stderr[-3000:]}")
        return result

    def shell(self, code: str) -> str:
        return self.manage("shell", "-v", "0", "-c", code).stdout.strip()

    def prepare(self) -> None:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE],
            check=True,
            capture_output=True,
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
        subprocess.run(
            ["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True
        )
        self.manage("migrate", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("check", "--deploy", "--fail-level", "WARNING")

    def start(self, name: str, command: list[str], log: str) -> None:
        handle = open(self.work / log, "ab")  # noqa: SIM115 (kept open while the process runs)
        self.processes[name] = subprocess.Popen(
            command,
            cwd=EXAMPLE,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_apps(self) -> None:
        for number, port in enumerate(self.app_ports, 1):
            self.start(
                f"gunicorn {number}",
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "example_project.wsgi:application",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "60",
                ],
                f"gunicorn-{number}.log",
            )
        for port in self.app_ports:
            up = wait_until(lambda p=port: self._answers(p), 60, 0.3)
            if not up:
                raise RuntimeError(f"gunicorn on {port} did not start: see {self.work}")

    def _answers(self, port: int) -> bool:
        try:
            return request(port, "GET", "/webinars/api/municipalities/").status == 200
        except OSError:
            return False

    def start_worker(self) -> None:
        self.start("worker", [PY, "manage.py", "db_worker", "--interval", "0.2"], "worker.log")

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def start_varnish(self) -> None:
        # The deployed VCL, with both gunicorns behind a round-robin director, written by the
        # command docs/deployment.md gives a host.
        vcl = subprocess.run(
            [PY, str(EXAMPLE / "deploy" / "varnish_vcl.py")]
            + [f"127.0.0.1:{port}" for port in self.app_ports],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        path = self.work / "run.vcl"
        path.write_text(vcl)
        # varnishd compiles the VCL as its own unprivileged user: the file and the directory it
        # is in must be readable by that user (mkdtemp makes the directory 0700).
        self.work.chmod(0o755)
        path.chmod(0o644)
        self.start(
            "varnish",
            [
                "varnishd",
                "-F",
                "-n",
                str(self.work / "varnish"),
                "-a",
                f"127.0.0.1:{self.cache_port}",
                "-f",
                str(path),
                "-s",
                "malloc,64m",
                "-p",
                "default_ttl=0",
            ],
            "varnish.log",
        )
        if not wait_until(lambda: self._answers(self.cache_port), 30, 0.3):
            raise RuntimeError(f"varnishd did not start: see {self.work / 'varnish.log'}")

    def stop(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.sink.shutdown()


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-At", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def confirmed_places(session_id: int) -> int:
    return int(
        psql(
            "select coalesce(sum(places), 0) from wagtail_webinars_registration "
            f"where session_id = {session_id} and status = 'confirmed'"
        )
    )


def outbox() -> Counter:
    rows = psql(
        "select kind, state, count(*) from wagtail_webinars_registrationemail group by 1, 2"
    )
    return Counter({tuple(r.split("|")[:2]): int(r.split("|")[2]) for r in rows.splitlines() if r})


# --- the editor, in Chromium ----------------------------------------------------------------


class Editor:
    def __init__(self, site: Site) -> None:
        from playwright.sync_api import sync_playwright

        site.shell(
            "from django.contrib.auth import get_user_model; "
            "get_user_model().objects.create_superuser('redaktor', 'r@region.example', 'hemligt-123')"
        )
        self.base = f"http://127.0.0.1:{site.app_ports[0]}"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The proxy's header; Chromium keeps Secure cookies on 127.0.0.1, a trustworthy origin.
        self.context = self.browser.new_context(
            extra_http_headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10"}
        )
        self.page = self.context.new_page()
        self.page.goto(self.base + "/admin/login/")
        self.page.fill("#id_username", "redaktor")
        self.page.fill("#id_password", "hemligt-123")
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/admin/")

    def edit(self, page_id: int, values: dict[str, str], checks: dict[str, bool] | None = None):
        page = self.page
        page.goto(f"{self.base}/admin/pages/{page_id}/edit/")
        # The StreamFields' inputs exist once Wagtail's scripts have built them.
        page.wait_for_selector("[name=programme-count]", state="attached")
        for name, value in values.items():
            # Fields on tabs that are not shown are set as the widget would set them.
            page.locator(f"[name={name}]").evaluate(
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }",
                value,
            )
        for name, on in (checks or {}).items():
            page.locator(f"[name={name}]").evaluate("(el, on) => { el.checked = on; }", on)
        # "Publicera" sits in the footer's menu; pressed as the menu would press it.
        with page.expect_navigation(timeout=30_000):
            page.locator("button[name=action-publish]").evaluate("button => button.click()")
        if "/edit/" in page.url:
            errors = page.locator(
                ".error-message, .help-critical, [role=alert], .messages"
            ).all_inner_texts()
            page.screenshot(
                path=str(Path(tempfile.gettempdir()) / f"ww-prodrun-edit-{page_id}.png"),
                full_page=True,
            )
            raise RuntimeError(f"publishing page {page_id} was refused: {errors}")
        return page.url

    def field(self, page_id: int, name: str) -> str:
        self.page.goto(f"{self.base}/admin/pages/{page_id}/edit/")
        return self.page.locator(f"[name={name}]").input_value()

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


# --- the run --------------------------------------------------------------------------------


def visitor_address(number: int) -> str:
    return f"10.20.{number // 250}.{number % 250 + 1}"


def register(site: Site, session_id: int, number: int) -> Answer:
    port = site.app_ports[number % 2]
    return request(
        port,
        "POST",
        f"/webinars/api/sessions/{session_id}/registrations/",
        {
            "name": f"Besökare {number}",
            "email": f"besokare{number}@kommun.example",
            "organisation": "Exempelkommunen",
            "municipality_code": "0180",
            "consent": True,
        },
        client=visitor_address(number),
    )


def run(site: Site, keep: bool) -> None:
    site.prepare()
    site.manage("webinars_load_demo")
    site.start_apps()
    if site.varnish:
        site.start_varnish()
    front = site.cache_port or site.app_ports[0]

    api = request(front, "GET", "/api/v2/webinar_sessions/?fields=registration").json()
    sessions = api["items"]
    check("the demo answers through the front", len(sessions) >= 2, f"{len(sessions)} sessions")
    session = sessions[0]
    session_id = session["id"]
    session_path = "/" + session["meta"]["html_url"].split("/", 3)[3]

    editor = Editor(site)
    try:
        editor.edit(
            session_id, {"registration_capacity": str(CAPACITY)}, {"registration_waitlist": True}
        )
        capacity = site.shell(
            "from wagtail_webinars.models import WebinarSessionPage as S; "
            f"s = S.objects.get(pk={session_id}); print(s.registration_capacity, s.registration_waitlist)"
        )
        check(
            "the editor gives the session 50 places and a waiting list",
            capacity == "50 True",
            capacity,
        )
        page_views(site, front, session_path, "before the registrations")

        # -- 200 concurrent registrations, the confirmed number watched --------------------
        seen: list[int] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                seen.append(confirmed_places(session_id))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=40) as pool:
            futures = [pool.submit(register, site, session_id, n) for n in range(VISITORS)]
            # Kill the worker in the middle of sending, and start it again.
            site.start_worker()
            wait_until(lambda: len(site.sink.snapshot()) >= 40, 120, 0.01)
            site.kill("worker")
            answers = [f.result() for f in futures]
        took = time.monotonic() - started
        stop.set()
        watcher.join()
        statuses = Counter(a.status for a in answers)
        kinds = Counter(a.json().get("status") for a in answers if a.status == 201)
        refused = next((a.text[:300] for a in answers if a.status != 201), "")
        check(
            "200 concurrent registrations across both processes answered 201",
            statuses == {201: VISITORS},
            f"{dict(statuses)} in {took:.1f} s, 100 to each process {refused}",
        )
        check(
            "exactly 50 confirmed, the rest on the waiting list",
            kinds == {"confirmed": CAPACITY, "waitlisted": VISITORS - CAPACITY},
            str(dict(kinds)),
        )
        after_full = seen[next((i for i, v in enumerate(seen) if v >= CAPACITY), len(seen)) :]
        check(
            "never more than 50 confirmed at any moment watched, 50 once full",
            max(seen, default=0) == CAPACITY and all(v == CAPACITY for v in after_full),
            f"{len(seen)} looks, max {max(seen, default=0)}, {len(after_full)} looks after it filled, all 50",
        )
        check(
            "the worker was killed while sending",
            0 < len(site.sink.snapshot()) < VISITORS,
            f"{len(site.sink.snapshot())} of {VISITORS} e-mails sent when it was killed",
        )
        page_views(site, front, session_path, "full, with a waiting list", full=True)

        site.start_worker()
        # A message the killed worker had claimed is nobody's task any more: the periodic
        # webinars_send_pending_mail (cron, docs/email.md) sends it once its claim has expired
        # (EMAIL_SENDING_TIMEOUT, 5 s here). Cron's every few minutes, compressed to 6 s.
        cron_runs = 0

        def all_sent() -> bool:
            nonlocal cron_runs
            states = outbox()
            if (
                states.get(("confirmation", "sent"), 0) + states.get(("waitlisted", "sent"), 0)
                >= VISITORS
            ):
                return True
            if time.monotonic() >= restarted + 6 * (cron_runs + 1):
                cron_runs += 1
                site.manage("webinars_send_pending_mail")
            return False

        restarted = time.monotonic()
        done = wait_until(all_sent, 90, 0.5)
        messages = site.sink.snapshot()
        ids = Counter(m["Message-ID"] for m in messages)
        duplicates = {k: v for k, v in ids.items() if v > 1}
        check(
            "every registration's e-mail sent after the worker was restarted",
            bool(done),
            f"outbox: {dict(outbox())}; webinars_send_pending_mail ran {cron_runs} time(s)",
        )
        check(
            "each of the 200 e-mails carries its own Message-ID, the same on a retry",
            len(ids) == VISITORS,
            f"{len(messages)} delivered, {len(ids)} distinct, "
            f"{len(duplicates)} delivered twice by the killed worker (same Message-ID)",
        )

        # -- 10 cancels with the link from the e-mail ----------------------------------------
        confirmations = [
            m
            for m in messages
            if "cancel" in m.get_body(("plain",)).get_content() and "besokare" in m["To"]
        ]
        tokens = []
        for message in messages:
            body = message.get_body(("plain",)).get_content()
            if "väntelista" in message["Subject"].lower():
                continue
            match = re.search(r"/registrations/cancel/([^/\s]+)/", body)
            if match and match.group(1) not in tokens:
                tokens.append(match.group(1))
        check(
            "the confirmations carry a personal cancel link",
            len(tokens) >= CANCELS,
            f"{len(tokens)} links found in {len(confirmations)} e-mails",
        )
        cancels = [
            request(
                site.app_ports[i % 2],
                "POST",
                "/webinars/api/registrations/cancel/",
                {"token": t},
                client=f"203.0.113.{i + 1}",
            )
            for i, t in enumerate(tokens[:CANCELS])
        ]
        check(
            "10 visitors cancel with their link, across both processes",
            [a.status for a in cancels] == [200] * CANCELS,
            str(Counter(a.status for a in cancels)),
        )
        promoted = int(
            psql(
                f"select count(*) from wagtail_webinars_registration where session_id={session_id} and promoted_at is not null and status='confirmed'"
            )
        )
        check(
            "10 promoted from the waiting list, still 50 confirmed",
            promoted == CANCELS and confirmed_places(session_id) == CAPACITY,
            f"{promoted} promoted, {confirmed_places(session_id)} confirmed",
        )
        page_views(site, front, session_path, "after the cancels", full=True)

        # -- feedback and the rate limit across processes ----------------------------------
        answers = [
            request(
                site.app_ports[i % 2],
                "POST",
                "/webinars/api/feedback/",
                {
                    "path": session_path,
                    "helpful": i % 3 != 0,
                    "comment": "" if i % 3 else "Tiden saknades",
                },
                client=f"198.18.0.{i + 1}",
            )
            for i in range(FEEDBACK)
        ]
        check(
            "20 feedback answers taken across both processes",
            [a.status for a in answers] == [201] * FEEDBACK,
            str(Counter(a.status for a in answers)),
        )
        limit = 20
        tries = [
            request(
                site.app_ports[i % 2],
                "POST",
                "/webinars/api/registrations/cancel/",
                {"token": f"x{i}"},
                client="192.0.2.99",
            )
            for i in range(limit + 5)
        ]
        first_429 = next((i for i, a in enumerate(tries) if a.status == 429), None)
        check(
            "the cancel rate limit holds across both processes (20 an hour)",
            first_429 == limit and all(a.status == 429 for a in tries[limit:]),
            f"statuses {Counter(a.status for a in tries)}, first 429 at request {None if first_429 is None else first_429 + 1}",
        )

        # -- the editor moves the session to start within the hour, closing its registration
        # in a minute, and publishes: the update e-mails, the banner and, then, the reminders
        # (REMINDER_MINUTES_BEFORE's 60: for those registered more than an hour before it starts).
        last_registered = float(
            psql("select extract(epoch from max(created_at)) from wagtail_webinars_registration")
        )
        now = time.time()
        if now - last_registered < 130:  # start - 60 min must fall after every registration
            time.sleep(130 - (now - last_registered))
        minute = (int(time.time()) // 60 + 1) * 60
        if minute - time.time() < 45:
            minute += 60
        closes = minute + 60
        start = minute + 57 * 60
        before_updates = sent_of("update")
        editor.edit(
            session_id,
            {
                "start": stockholm(start),
                "end": stockholm(start + 90 * 60),
                "registration_closes_at": stockholm(closes),
            },
        )
        page_views(site, front, session_path, "after the move", full=True, moved=True)
        registered = int(
            psql(
                f"select count(*) from wagtail_webinars_registration where session_id={session_id} and status in ('confirmed','waitlisted')"
            )
        )
        updated = wait_until(lambda: sent_of("update") - before_updates >= registered, 90, 0.5)
        check(
            "every registered visitor gets the update once",
            bool(updated) and sent_of("update") == registered,
            f"{sent_of('update')} updates sent, {registered} registered",
        )

        # -- reminders: two cron runs at once, the worker sends ----------------------------
        runs = [
            subprocess.Popen(
                [PY, "manage.py", "webinars_send_reminders"],
                cwd=EXAMPLE,
                env=site.env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        said = [r.communicate(timeout=120)[0].strip() for r in runs]
        reminded = wait_until(lambda: sent_of("reminder") >= CAPACITY, 90, 0.5)
        time.sleep(1)
        check(
            "two overlapping reminder runs: each confirmed visitor reminded once",
            bool(reminded) and sent_of("reminder") == CAPACITY,
            f"{sent_of('reminder')} reminders sent for {CAPACITY} confirmed ({'; '.join(said)})",
        )

        # -- registration closes by the clock, no publish ---------------------------------
        open_now = register(site, session_id, 1000)
        check(
            "before closing time a registration is still taken (waiting list)",
            open_now.status == 201,
            str(open_now.status),
        )
        time.sleep(max(0.0, closes - time.time()) + 1)
        closed = register(site, session_id, 1001)
        check(
            "after closing time a registration is refused: 409 closed",
            closed.status == 409 and closed.json().get("code") == "closed",
            f"{closed.status} {closed.text[:120]}",
        )
        page = request(front, "GET", session_path)
        check(
            "after closing time the page says so through the front, with no publish",
            page.status == 200 and "Anmälan har stängt" in page.text,
            f"{page.status}",
        )
    finally:
        editor.close()

    # -- the final tally ---------------------------------------------------------------------
    settled = wait_until(lambda: all(state == "sent" for (kind, state) in outbox()), 60, 0.5)
    messages = site.sink.snapshot()
    by_kind = Counter({kind: n for (kind, state), n in outbox().items() if state == "sent"})
    expected = Counter(
        confirmation=CAPACITY,
        waitlisted=VISITORS - CAPACITY + 1,
        cancelled=CANCELS,
        promoted=CANCELS,
        update=VISITORS - CANCELS,
        reminder=CAPACITY,
    )
    check(
        "the outbox: every e-mail sent, as many of each kind as there were reasons",
        bool(settled) and by_kind == expected,
        f"{dict(by_kind)}",
    )
    ids = Counter(m["Message-ID"] for m in messages)
    twice = sum(n - 1 for n in ids.values())
    check(
        "every e-mail reached the mail server once, but for the one the killed worker had in hand "
        "(sent again with the same Message-ID)",
        len(ids) == by_kind.total() and twice <= 1,
        f"{len(messages)} delivered, {len(ids)} distinct Message-IDs, {twice} delivered twice",
    )


def stockholm(epoch: float) -> str:
    """A moment as the admin's date field takes it, in the editors' zone (TIME_ZONE)."""
    import datetime
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Europe/Stockholm")
    return datetime.datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M")


def sent_of(kind: str) -> int:
    return outbox().get((kind, "sent"), 0)


def page_views(
    site: Site, front: int, path: str, when: str, *, full: bool = False, moved: bool = False
) -> None:
    first = request(front, "GET", path)
    second = request(front, "GET", path)
    text = second.text
    check(
        f"session page {when}: 200 through the front",
        first.status == second.status == 200,
        f"{first.status}, {second.status}",
    )
    if site.varnish:
        check(
            f"session page {when}: the second read is a cache hit",
            int(second.headers.get("age", "0") or 0) >= 0
            and len(second.headers.get("x-varnish", "").split()) == 2,
            f"X-Varnish {second.headers.get('x-varnish')}, Age {second.headers.get('age')}",
        )
    if moved:
        check(f"session page {when}: shows the new time (the banner)", "Ny tid:" in text, "")
    if full:
        check(
            f"session page {when}: says it is full (Fullbokat) and offers the waiting list",
            "Fullbokat" in text or "väntelista" in text.lower(),
            "",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-varnish", action="store_true", help="without the front-end cache")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ww-prodrun-"))
    site = Site(work, varnish=not args.no_varnish)
    if not args.no_varnish and not site.varnish:
        check("varnishd is installed (apt-get install varnish)", False)
        return 1
    started = time.monotonic()
    try:
        run(site, args.keep)
    except Exception as error:  # a step that could not run is a failed check, with its reason
        import traceback

        traceback.print_exc()
        check("the run went to its end", False, repr(error))
    finally:
        site.stop()
        if not args.keep and not FAILED:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"logs in {work}")
    print(f"{len(FAILED)} failed check(s), {time.monotonic() - started:.0f} s")
    return len(FAILED)


if __name__ == "__main__":
    sys.exit(main())

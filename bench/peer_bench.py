"""Peer benchmark: registrations and feedback answers per second through our JSON endpoints
against Wagtail's own form builder on a fresh ``wagtail start`` host, side by side, in one run.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432 user postgres, Redis on 127.0.0.1:6379;
Django 6 for the production setup, which needs django-tasks-db; about two minutes, or one with
``--quick``):

    .venv-w8/bin/python bench/peer_bench.py
    .venv-w8/bin/python bench/peer_bench.py --quick
    .venv-w8/bin/python bench/peer_bench.py --seconds 10 --rounds 3

The peer is what a municipality would otherwise use: the installed Wagtail's ``wagtail start``
makes a host in a temporary directory, and the bench adds to its ``home`` app the form-builder
pages of Wagtail's documentation, an ``AbstractEmailForm`` and an ``AbstractForm``, with the fields
of our registration (name, e-mail, organisation, municipality from the same list of choices,
consent), plus an ``AbstractForm`` with the feedback widget's fields (helpful yes/no, comment) for
the feedback measure. It runs on PostgreSQL (``ww_bench_peer``), Redis as its cache, DEBUG off,
served by gunicorn with ``--workers`` sync workers; a browser's form post, CSRF cookie and token
included, answered with the form page's landing page.

Our side is bench/peer_settings.py on PostgreSQL (``ww_bench_peer_ours``), the same Redis, the
rate limits on, with one session that has a capacity and a waiting list, so each registration
takes the session's row lock, counts the places, inserts the registration and writes the outbox
row. Both sides send e-mail through the same backend (Django's file-based one, each into a
directory of its own).

Measures, each interleaved with its baseline (peer, ours, peer, …, peer: ``--rounds`` of ours and
one more of the peer), ratio = our mean rate over the peer's mean rate:

(a) default setup (the e-mail built and sent inside the request) vs the ``AbstractEmailForm`` page,
    which also sends its e-mail inside the request: goal >= 1.0x;
(b) production setup (the e-mail queued for a worker with django-tasks-db, a row in the request)
    vs the ``AbstractForm`` page, which only stores the answer: goal >= 1.5x;
(c) feedback answers (production setup; rate limit, scrubbing, de-duplication key, insert) vs the
    feedback-shaped ``AbstractForm`` page: goal >= 2.0x.

At the end it checks that every success answer is a stored row on both sides, that in the default
setup every registration's e-mail was sent and in the production one every e-mail is queued, that
the peer's e-mail form sent one e-mail per answer, and that no request failed.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.loadtest import (  # noqa: E402
    HOST,
    drop_database,
    failed_requests,
    free_port,
    recreate_database,
    run_phase,
    start_gunicorn,
    stop_gunicorn,
)
from bench.registration_bench import prepare, registrant, warm_up_body  # noqa: E402

# After the import above, which chose bench.registration_settings for itself.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer_settings"

PEER_DB = "ww_bench_peer"
OURS_DB = "ww_bench_peer_ours"
REDIS_DB = os.environ.get("WW_BENCH_REDIS_DB", "6")

GOALS = {"default": 1.0, "production": 1.5, "feedback": 2.0}

PEER_MODELS = """
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractForm, AbstractFormField
from wagtail.models import Page


class HomePage(Page):
    pass


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractForm):
    pass


class EmailFormField(AbstractFormField):
    page = ParentalKey("EmailFormPage", on_delete=models.CASCADE, related_name="form_fields")


class EmailFormPage(AbstractEmailForm):
    pass
"""

PEER_FORM_TEMPLATE = """{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block content %}
<h1>{{ page.title }}</h1>
<form action="{% pageurl page %}" method="POST">
{% csrf_token %}
{{ form.as_p }}
<input type="submit" value="Anmäl dig">
</form>
{% endblock %}
"""

PEER_LANDING_TEMPLATE = """{% extends "base.html" %}
{% block content %}
<h1>Tack!</h1>
<p>Vi har tagit emot ditt svar.</p>
{% endblock %}
"""

PEER_SETTINGS = """
import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "peer-bench-only"
# What a host on PostgreSQL adds (Wagtail 8's search index needs it there).
INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres"]  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1"]
LANGUAGE_CODE = "sv"
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": {db!r},
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }}
}}
CACHES = {{
    "default": {{
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/{redis_db}",
        "KEY_PREFIX": "ww-bench-peer-host",
    }}
}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WW_BENCH_MAIL_DIR"]
LOGGING = {{"version": 1, "disable_existing_loggers": False, "root": {{"level": "ERROR"}}}}
"""

# Run inside the peer host (manage.py shell): the three form pages; prints their paths and the
# fields' names as JSON.
PEER_SETUP = """
import json
from home.models import EmailFormField, EmailFormPage, FormField, FormPage, HomePage

home = HomePage.objects.get(depth=2)
choices = json.loads({choices!r})
registration_fields = [
    ("Namn", "singleline", "", True),
    ("E-post", "email", "", True),
    ("Organisation", "singleline", "", True),
    ("Kommun eller region", "dropdown", "\\n".join(choices), True),
    ("Jag samtycker till att mina uppgifter sparas", "checkbox", "", True),
]
feedback_fields = [
    ("Var sidan till hjälp?", "radio", "Ja\\nNej", True),
    ("Kommentar", "multiline", "", False),
]
pages = {{}}
for key, model, field_model, slug, fields, extra in [
    ("email", EmailFormPage, EmailFormField, "anmalan-epost", registration_fields,
     dict(to_address="webbinarier@kommun.example", from_address="noreply@kommun.example",
          subject="Ny anmälan")),
    ("store", FormPage, FormField, "anmalan", registration_fields, {{}}),
    ("feedback", FormPage, FormField, "synpunkter", feedback_fields, {{}}),
]:
    page = home.add_child(instance=model(title=slug, slug=slug, **extra))
    for order, (label, field_type, field_choices, required) in enumerate(fields):
        field_model.objects.create(
            page=page, sort_order=order, label=label, field_type=field_type,
            choices=field_choices, required=required,
        )
    page.save_revision().publish()
    names = [f.clean_name for f in field_model.objects.filter(page=page).order_by("sort_order")]
    pages[key] = {{"id": page.pk, "path": page.url, "fields": names}}
print("PAGES " + json.dumps(pages))
"""


def make_peer_host(directory: Path, mail_dir: Path) -> dict:
    """``wagtail start`` a host, add the form pages, migrate; the pages' paths and field names."""
    wagtail = Path(sys.executable).with_name("wagtail")
    subprocess.run([str(wagtail), "start", "peerhost", str(directory)], check=True)
    (directory / "home" / "models.py").write_text(PEER_MODELS.lstrip())
    templates = directory / "home" / "templates" / "home"
    for model in ("form_page", "email_form_page"):
        (templates / f"{model}.html").write_text(PEER_FORM_TEMPLATE)
        (templates / f"{model}_landing.html").write_text(PEER_LANDING_TEMPLATE)
    (directory / "peerhost" / "settings" / "bench.py").write_text(
        PEER_SETTINGS.format(db=PEER_DB, redis_db=REDIS_DB)
    )
    env = peer_env(directory, mail_dir)

    def manage(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=directory,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout

    manage("makemigrations", "home", "--verbosity", "0")
    manage("migrate", "--verbosity", "0")
    output = manage("shell", "--no-imports", "-c", PEER_SETUP.format(choices=json.dumps(choices())))
    line = next(line for line in output.splitlines() if line.startswith("PAGES "))
    return json.loads(line.removeprefix("PAGES "))


def peer_env(directory: Path, mail_dir: Path) -> dict[str, str]:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="peerhost.settings.bench",
        PYTHONPATH=str(directory),
        WW_BENCH_MAIL_DIR=str(mail_dir),
    )


def choices() -> list[str]:
    """The municipalities and regions our form offers, as the peer's drop-down choices."""
    from wagtail_webinars.data import municipalities, regions

    return [m.name for m in municipalities()] + [r.name for r in regions()] + ["Annan organisation"]


def peer_registrant(fields: list[str], n: int) -> dict:
    name, email, organisation, municipality, consent = fields
    ours = registrant(n)
    return {
        name: ours["name"],
        email: ours["email"],
        organisation: ours["organisation"],
        municipality: "Kiruna",
        consent: "on",
    }


def peer_warm_up(fields: list[str], n: int) -> dict:
    return {**peer_registrant(fields, n), fields[1]: f"uppvarmning{n}@kommun.example"}


def peer_feedback(fields: list[str], n: int) -> dict:
    helpful, comment = fields
    return {helpful: "Nej", comment: COMMENT.format(n=n)}


COMMENT = (
    "Jag saknade tiden för sändningen nr {n}. Ring mig på 070-123 45 67 eller anna{n}@example.se"
)


def our_feedback(page_id: int, n: int) -> dict:
    return {"page": page_id, "helpful": False, "comment": COMMENT.format(n=n)}


def count_rows(db: str, sql: str, params: tuple = ()) -> int:
    import psycopg

    with psycopg.connect(host=HOST, user="postgres", dbname=db) as conn:
        return conn.execute(sql, params).fetchone()[0]


def count_mail(directory: Path) -> int:
    """Messages the file-based backend wrote (one file per connection, messages separated)."""
    return sum(
        path.read_bytes().count(b"\nMessage-ID: ") + path.read_bytes().startswith(b"Message-ID: ")
        for path in directory.glob("*.log")
    )


#: What ``cpu_seconds()`` reports, in this order.
CPU_PARTS = ("app", "postgres", "redis", "load")
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds (user and system) used so far by each part of the machine a phase runs on:
    ``app`` the gunicorn master of ``server_pid`` and its workers, ``postgres`` every PostgreSQL
    process (the postmaster's counts include its exited children), ``redis`` the Redis server,
    ``load`` this process (the clients' threads). Read from /proc; empty where there is none."""
    if not os.path.isdir("/proc/self"):
        return {}
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # it exited meanwhile
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # fields[1] is ppid; 11, 12 utime, stime; 13, 14 the waited-for children's.
        stats[int(entry)] = (name, int(fields[1]), [int(f) for f in fields[11:15]])
    used = dict.fromkeys(CPU_PARTS, 0.0)
    for pid, (name, ppid, (utime, stime, cutime, cstime)) in stats.items():
        own = (utime + stime) / _TICK
        if pid == server_pid or ppid == server_pid:
            used["app"] += own
        elif name == "postgres":
            used["postgres"] += own
            if stats.get(ppid, ("",))[0] != "postgres":  # the postmaster
                used["postgres"] += (cutime + cstime) / _TICK
        elif name.startswith("redis-server"):
            used["redis"] += own
        elif pid == os.getpid():
            used["load"] += own
    return used


def _phase_cpu(server_pid: int, run) -> tuple[float, collections.Counter, dict[str, float]]:
    before = cpu_seconds(server_pid)
    rate, statuses = run()
    after = cpu_seconds(server_pid)
    return rate, statuses, {part: after[part] - before[part] for part in before}


def interleaved(
    peer: tuple[int, int],
    peer_path: str,
    peer_body,
    ours: tuple[int, int],
    our_path: str,
    our_body,
    *,
    rounds: int,
    phase: dict,
) -> dict:
    """Peer, ours, peer, …, peer; the rates and the status counts of each side, and the CPU
    time per answer of each part of the machine (``cpu_seconds()``). ``peer`` and ``ours``:
    each side's (port, gunicorn master's pid)."""
    peer_rates, our_rates = [], []
    peer_statuses, our_statuses = [], []
    cpu = {"peer": collections.Counter(), "ours": collections.Counter()}
    for i in range(rounds * 2 + 1):
        if i % 2 == 0:
            rate, statuses, used = _phase_cpu(
                peer[1],
                lambda: run_phase(peer[0], peer_path, peer_body, success=200, form=True, **phase),
            )
            peer_rates.append(rate)
            peer_statuses.append(statuses)
            cpu["peer"].update(used)
        else:
            rate, statuses, used = _phase_cpu(
                ours[1], lambda: run_phase(ours[0], our_path, our_body, **phase)
            )
            our_rates.append(rate)
            our_statuses.append(statuses)
            cpu["ours"].update(used)
    answers = {
        "peer": sum(s[200] for s in peer_statuses),
        "ours": sum(s[201] for s in our_statuses),
    }
    return {
        "cpu_ms": {
            side: {part: 1000 * cpu[side][part] / max(1, answers[side]) for part in cpu[side]}
            for side in cpu
        },
        "peer": statistics.mean(peer_rates),
        "ours": statistics.mean(our_rates),
        "peer_rates": peer_rates,
        "our_rates": our_rates,
        "peer_ok": sum(s[200] for s in peer_statuses),
        "our_ok": sum(s[201] for s in our_statuses),
        "failed": {
            **failed_requests(*peer_statuses, success=200),
            **{f"ours {k}": v for k, v in failed_requests(*our_statuses).items()},
        },
    }


def warm(port: int, path: str, body, *, workers: int, numbers, form: bool = False) -> None:
    """Every worker imports, connects and fills its caches before timing (concurrent requests,
    so that each worker gets some)."""
    success = 200 if form else 201
    _, statuses = run_phase(
        port,
        path,
        body,
        clients=workers * 2,
        seconds=30,
        max_requests=workers * 10,
        numbers=numbers,
        success=success,
        form=form,
    )
    assert set(statuses) == {success}, f"{path} answered {dict(statuses)} in the warm-up"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, each side")
    parser.add_argument("--seconds", type=float, default=6.0, help="per phase (bound)")
    parser.add_argument("--max-requests", type=int, default=5000, help="per phase (bound)")
    parser.add_argument("--rounds", type=int, default=3, help="phases of ours per measure")
    parser.add_argument("--capacity", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help=f"the sizes of {QUICK}")
    return parser


#: ``--quick``: small enough for CI, still interleaved.
QUICK = "--seconds 3 --rounds 2"


def measure(args: argparse.Namespace) -> dict:
    """Build both sides, run the three measures, print them; the numbers and problems found."""
    from bench import peer_settings

    work = Path(tempfile.mkdtemp(prefix="ww-bench-peer-"))
    peer_mail, our_mail = work / "peer-mail", work / "our-mail"
    peer_mail.mkdir()
    our_mail.mkdir()
    os.environ["WW_BENCH_MAIL_DIR"] = str(our_mail)
    os.environ["WW_BENCH_DB"] = OURS_DB
    recreate_database(PEER_DB)
    recreate_database(OURS_DB)
    servers = []
    problems: list[str] = []
    measured: dict[str, dict] = {}
    try:
        session_id = prepare(args.capacity)  # django.setup() with bench.peer_settings
        pages = make_peer_host(work / "host", peer_mail)
        from django.db import connection

        from wagtail_webinars.models import WebinarSessionPage

        home_id = WebinarSessionPage.objects.get(pk=session_id).get_parent().pk
        connection.close()

        peer_port = free_port()
        peer_server = start_gunicorn(
            peer_port,
            args.workers,
            "peerhost.settings.bench",
            "peerhost.wsgi:application",
            cwd=work / "host",
            env={"WW_BENCH_MAIL_DIR": str(peer_mail)},
        )
        servers.append(peer_server)
        numbers = itertools.count()
        phase = dict(
            clients=args.clients,
            seconds=args.seconds,
            max_requests=args.max_requests,
            numbers=numbers,
        )
        endpoint = f"/webinars/api/sessions/{session_id}/registrations/"

        def peer(key, make):
            return pages[key]["path"], lambda n: make(pages[key]["fields"], n)

        for key, make in (
            ("email", peer_warm_up),
            ("store", peer_warm_up),
            ("feedback", peer_feedback),
        ):
            path, body = peer(key, make)
            warm(peer_port, path, body, workers=args.workers, numbers=numbers, form=True)

        setups = ["default", "production"] if peer_settings.TASKS_DB else ["default"]
        if not peer_settings.TASKS_DB:
            problems.append("production setup skipped: django-tasks-db needs Django 6")
        for setup in setups:
            port = free_port()
            server = start_gunicorn(
                port,
                args.workers,
                "bench.peer_settings",
                "bench.registration_wsgi:application",
                env={"WW_BENCH_SETUP": setup},
            )
            servers.append(server)
            warm(port, endpoint, warm_up_body, workers=args.workers, numbers=numbers)
            key = "email" if setup == "default" else "store"
            path, body = peer(key, peer_registrant)
            measured[setup] = interleaved(
                (peer_port, peer_server.pid),
                path,
                body,
                (port, server.pid),
                endpoint,
                registrant,
                rounds=args.rounds,
                phase=phase,
            )
            if setup == "production":
                feedback_endpoint = "/webinars/api/feedback/"
                warm(
                    port,
                    feedback_endpoint,
                    lambda n: {"page": home_id, "helpful": False, "comment": f"Uppvärmning {n}"},
                    workers=args.workers,
                    numbers=numbers,
                )
                path, body = peer("feedback", peer_feedback)
                measured["feedback"] = interleaved(
                    (peer_port, peer_server.pid),
                    path,
                    body,
                    (port, server.pid),
                    feedback_endpoint,
                    lambda n: our_feedback(home_id, n),
                    rounds=args.rounds,
                    phase=phase,
                )
            stop_gunicorn(server)
            servers.remove(server)

        problems += check(measured, pages, session_id, home_id, peer_mail, our_mail)
    finally:
        for server in servers:
            stop_gunicorn(server)
        drop_database(PEER_DB)
        drop_database(OURS_DB)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"clients: {args.clients}, gunicorn sync workers: {args.workers} each side, "
        f"phases of {args.seconds:g} s or {args.max_requests} requests, "
        f"{args.rounds} of ours interleaved with {args.rounds + 1} of the peer"
    )
    labels = {
        "default": "registrations, default setup vs AbstractEmailForm",
        "production": "registrations, production setup vs AbstractForm",
        "feedback": "feedback answers vs AbstractForm (feedback fields)",
    }
    for key, numbers_ in measured.items():
        ratio = numbers_["ours"] / numbers_["peer"]
        print(
            f"{labels[key]}: ours {numbers_['ours']:.1f}/s "
            f"({', '.join(f'{r:.1f}' for r in numbers_['our_rates'])}), peer "
            f"{numbers_['peer']:.1f}/s ({', '.join(f'{r:.1f}' for r in numbers_['peer_rates'])}), "
            f"ratio {ratio:.2f} (goal >= {GOALS[key]})"
        )
        for side in ("ours", "peer"):
            used = numbers_["cpu_ms"][side]
            if used:
                print(
                    f"  CPU ms per answer, {side}: "
                    + ", ".join(f"{part} {used[part]:.1f}" for part in CPU_PARTS)
                    + f"; all {sum(used.values()):.1f}"
                )
    print("FAIL: " + "; ".join(problems) if problems else "OK: every answer stored, every e-mail")
    return {"measured": measured, "problems": problems, "labels": labels}


def check(measured, pages, session_id, home_id, peer_mail: Path, our_mail: Path) -> list[str]:
    """Every success answer a stored row, every e-mail sent or queued, no failed request."""
    problems = []
    for key, numbers in measured.items():
        if numbers["failed"]:
            problems.append(f"{key}: failed requests {numbers['failed']}")
    registrations = count_rows(
        OURS_DB, "SELECT count(*) FROM wagtail_webinars_registration WHERE session_id = %s",
        (session_id,),
    )  # fmt: skip
    our_ok = sum(measured[k]["our_ok"] for k in ("default", "production") if k in measured)
    warm_ups = registrations - our_ok
    if not 0 <= warm_ups <= 2 * 20 * 2:
        problems.append(f"ours: {registrations} registrations for {our_ok} answers 201")
    sent = count_rows(
        OURS_DB, "SELECT count(*) FROM wagtail_webinars_registrationemail WHERE state = 'sent'"
    )
    files = count_mail(our_mail)
    if "default" in measured and (sent < measured["default"]["our_ok"] or files != sent):
        problems.append(f"ours: {sent} e-mails sent, {files} written, for the default setup's")
    if "production" in measured:
        queued = count_rows(
            OURS_DB,
            "SELECT count(*) FROM wagtail_webinars_registrationemail WHERE state = 'pending'",
        )
        if queued < measured["production"]["our_ok"]:
            problems.append(f"ours: {queued} e-mails queued for the production setup's")
    if "feedback" in measured:
        answers = count_rows(
            OURS_DB,
            "SELECT count(*) FROM wagtail_webinars_feedback "
            "WHERE page_id = %s AND comment LIKE 'Jag saknade%%'",
            (home_id,),
        )
        if answers != measured["feedback"]["our_ok"]:
            problems.append(f"ours: {answers} feedback rows for {measured['feedback']['our_ok']}")
    for key in ("email", "store", "feedback"):
        stored = count_rows(
            PEER_DB,
            "SELECT count(*) FROM wagtailforms_formsubmission WHERE page_id = %s",
            (pages[key]["id"],),
        )
        answered = sum(
            numbers["peer_ok"]
            for measure, numbers in measured.items()
            if {"default": "email", "production": "store", "feedback": "feedback"}[measure] == key
        )
        if stored < answered:
            problems.append(f"peer {key}: {stored} submissions for {answered} answers 200")
    if "default" in measured and count_mail(peer_mail) < measured["default"]["peer_ok"]:
        problems.append("peer: fewer e-mails than answers of the e-mail form")
    return problems


def results(quick: bool) -> list[dict]:
    """The rows of bench/run.py's table (the interface every bench module has)."""
    args = parser().parse_args(QUICK.split() if quick else [])
    numbers = measure(args)
    rows = []
    for key, measured in numbers["measured"].items():
        ratio = measured["ours"] / measured["peer"]
        rows.append(
            {
                "measure": numbers["labels"][key] + " (per s)",
                "value": measured["ours"],
                "baseline": measured["peer"],
                "ratio": ratio,
                "goal": f">= {GOALS[key]}x",
                "ok": ratio >= GOALS[key],
                "note": f"{args.clients} clients, {args.workers} gunicorn workers each, PostgreSQL",
            }
        )
    if numbers["problems"]:
        rows.append(
            {
                "measure": "peer bench checks",
                "ok": False,
                "wrong": True,
                "note": "; ".join(numbers["problems"]),
            }
        )
    return rows


def main() -> None:
    args = parser().parse_args()
    if args.quick:
        args = parser().parse_args(QUICK.split())
    if measure(args)["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

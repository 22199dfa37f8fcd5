"""Front-end cache benchmark: a session page served by Varnish (a hit) against the same page
rendered by gunicorn; a registration that purges Varnish against one on the same site without a
purge; and how many PURGE requests a registration sends.

Usage, from the repo root (PostgreSQL on 127.0.0.1:5432 user postgres, Redis on 127.0.0.1:6379,
Debian's varnish; about 20 s with --quick, a minute without):

    .venv/bin/python bench/frontend_cache_bench.py --quick
    .venv/bin/python bench/frontend_cache_bench.py --gets 1000 --registrations 300

It creates a throw-away database (``ww_cache_bench``), migrates it, makes a series with a session
that has a capacity (its pages show the places left) and one without, and starts two gunicorns
(2 sync workers each) with bench/frontend_cache_settings.py, sharing the database and Redis
(db 8): A purges into Varnish (``FRONTEND_CACHE_URL``), B is the same site without a purge.
``varnishd`` runs in front of A with example_project/deploy/varnish.vcl.

- **GET**: one client, a new connection per request, alternately the session page through Varnish
  (after the first request, a hit) and straight from A (rendered, with the package's own fragment
  cache warm). Median of each; ratio hit / render.
- **Registration**: the registration form's POST (the one the cached page carries, with an
  ``Origin`` header and no CSRF token), alternately to A and to B, for the session with a
  capacity; each of A's registrations purges the session and series pages synchronously before it
  answers. Median of each; ratio with purge / without. Then the page through Varnish must show the
  places left after the last registration.
- **PURGE per registration**: Varnish's own count of bans added (``varnishstat MAIN.bans_added``),
  over A's registrations, for the session with a capacity and for the one without.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SETTINGS = "bench.frontend_cache_settings"

from bench.loadtest import (  # noqa: E402  (after sys.path)
    HOST,
    drop_database,
    free_port,
    recreate_database,
    start_gunicorn,
    stop_gunicorn,
)

SITE_HOST = "localhost"  # the Wagtail site's hostname: what purges send as Host


def varnishd_path() -> str | None:
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.access("/usr/sbin/varnishd", os.X_OK) else None
    )


def start_varnish(backend_port: int, port: int) -> tuple[subprocess.Popen, str]:
    spec = importlib.util.spec_from_file_location(
        "varnish_vcl", REPO / "example_project" / "deploy" / "varnish_vcl.py"
    )
    writer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(writer)
    workdir = tempfile.mkdtemp(prefix="ww-cache-bench-varnish-")
    os.chmod(workdir, 0o755)
    vcl = Path(workdir) / "site.vcl"
    vcl.write_text(writer.render([f"{HOST}:{backend_port}"]))
    os.chmod(vcl, 0o644)
    process = subprocess.Popen(
        [
            varnishd_path(), "-F", "-n", workdir, "-a", f"{HOST}:{port}",
            "-T", f"{HOST}:{free_port()}", "-f", str(vcl), "-s", "malloc,64m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            request(port, "GET", "/")
            return process, workdir
        except OSError:
            if process.poll() is not None:
                sys.exit("varnishd exited before it served")
            time.sleep(0.1)
    process.terminate()
    sys.exit("varnishd did not start within 30 s")


def stop_varnish(process: subprocess.Popen | None, workdir: str | None) -> None:
    if process is not None:
        process.terminate()
        process.wait(30)
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def bans_added(workdir: str) -> int:
    out = subprocess.run(
        ["varnishstat", "-n", workdir, "-1", "-f", "MAIN.bans_added"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(out.split()[1])


def request(port: int, method: str, path: str, body: str | None = None, headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Host": SITE_HOST, **(headers or {})})
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def prepare() -> dict:
    """Migrate, build a series with a session that has a capacity and one that has none."""
    import datetime

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from tests.conftest import ensure_wagtail_tree
    from wagtail_webinars.models import WebinarSeriesPage, WebinarSessionPage

    call_command("migrate", verbosity=0, interactive=False)
    home = ensure_wagtail_tree().root_page
    series = home.add_child(instance=WebinarSeriesPage(title="Benchmark-serien", slug="serien"))
    series.save_revision().publish()
    start = timezone.now() + datetime.timedelta(days=7)
    pages = {}
    for slug, capacity in (("med-platser", 1_000_000), ("utan-tak", None)):
        session = series.add_child(
            instance=WebinarSessionPage(
                title=f"Benchmark {slug}",
                slug=slug,
                start=start,
                end=start + datetime.timedelta(hours=1),
                registration_capacity=capacity,
            )
        )
        session.save_revision().publish()
        pages[slug] = {
            "url": session.url,
            "register": reverse("wagtail_webinars:session_register", args=[session.pk]),
            "pk": session.pk,
        }
    connection.close()
    return pages


def registration_body(n: int) -> str:
    return urlencode(
        {
            "name": f"Deltagare {n}",
            "email": f"deltagare{n}-{uuid.uuid4().hex[:6]}@kommun.example",
            "organisation": "Kiruna kommun",
            "municipality_code": "2584",
            "consent": "on",
        }
    )


def register(port: int, path: str, n: int) -> int:
    response, _ = request(
        port,
        "POST",
        path,
        body=registration_body(n),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{SITE_HOST}",
        },
    )
    return response.status


def places_left(html: str) -> int | None:
    found = re.search(r"(\d+) plats(?:er)? kvar\.", html)
    return int(found[1]) if found else None


def results(quick: bool) -> list[dict]:
    """The bench's measures, for bench/run.py: GET hit vs render, registration with purge vs
    without, PURGE requests per registration (with and without a capacity). Run in a process of
    its own, so that its Django settings never meet the caller's."""
    command = [sys.executable, str(Path(__file__).resolve()), "--json"]
    if quick:
        command.append("--quick")
    env = {**os.environ, "PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": SETTINGS}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"frontend_cache_bench failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run(gets: int, registrations: int) -> list[dict]:
    if varnishd_path() is None:
        return [
            {
                "measure": "front-end cache (Varnish)",
                "value": None,
                "baseline": None,
                "ratio": None,
                "goal": "",
                "ok": None,
                "note": "varnishd is not installed (apt-get install varnish)",
            }
        ]
    db_name = os.environ.setdefault("WW_BENCH_DB", "ww_cache_bench")
    os.environ["WW_BENCH_CACHE_PREFIX"] = f"ww-cache-bench-{uuid.uuid4().hex[:8]}"
    recreate_database(db_name)
    purging = plain = varnish = None
    workdir = None
    try:
        pages = prepare()
        port_a, port_b = free_port(), free_port()
        # Varnish must be known to A before A starts; A must be there for Varnish's first GET.
        varnish_port = free_port()
        os.environ["FRONTEND_CACHE_URL"] = f"http://{HOST}:{varnish_port}"
        purging = start_gunicorn(
            port_a, 2, "bench.frontend_cache_settings", "bench.registration_wsgi:application"
        )
        del os.environ["FRONTEND_CACHE_URL"]
        plain = start_gunicorn(
            port_b, 2, "bench.frontend_cache_settings", "bench.registration_wsgi:application"
        )
        varnish, workdir = start_varnish(port_a, varnish_port)
        capped, uncapped = pages["med-platser"], pages["utan-tak"]

        # Warm-up: every worker of both gunicorns renders the page and takes a registration.
        for n in range(8):
            for port in (port_a, port_b):
                assert request(port, "GET", capped["url"])[0].status == 200
                assert register(port, capped["register"], 10_000_000 + n * 2 + port % 2) == 302
        request(varnish_port, "GET", capped["url"])

        hit_times, render_times = [], []
        for _ in range(gets):
            t, (response, _) = timed(lambda: request(varnish_port, "GET", capped["url"]))
            assert response.getheader("X-Cache") == "HIT", "the page was not served from Varnish"
            hit_times.append(t)
            t, (response, _) = timed(lambda: request(port_a, "GET", capped["url"]))
            assert response.status == 200
            render_times.append(t)

        with_purge, without_purge = [], []
        bans_before = bans_added(workdir)
        for n in range(registrations):
            # Alternately, and each first every other time, so neither gains from going second.
            pair = [(port_a, with_purge, 2 * n), (port_b, without_purge, 2 * n + 1)]
            for port, times, number in pair if n % 2 == 0 else reversed(pair):
                t, status = timed(lambda p=port, k=number: register(p, capped["register"], k))
                assert status == 302, status
                times.append(t)
        purges_capped = bans_added(workdir) - bans_before

        # After all that, the next visitor through Varnish sees the places left as they are.
        import django
        from django.db import connection

        django.setup()
        from wagtail_webinars.models import Registration

        taken = Registration.objects.filter(session_id=capped["pk"])
        expected = 1_000_000 - (taken.places_taken() or 0)
        connection.close()
        _, html = request(varnish_port, "GET", capped["url"])
        shown = places_left(html)

        bans_before = bans_added(workdir)
        uncapped_count = max(10, registrations // 10)
        for n in range(uncapped_count):
            assert register(port_a, uncapped["register"], 20_000_000 + n) == 302
        purges_uncapped = bans_added(workdir) - bans_before
    finally:
        stop_varnish(varnish, workdir)
        stop_gunicorn(purging)
        stop_gunicorn(plain)
        drop_database(db_name)

    hit, render = statistics.median(hit_times), statistics.median(render_times)
    purged, unpurged = statistics.median(with_purge), statistics.median(without_purge)
    per_registration = purges_capped / registrations
    return [
        {
            "measure": "session page: Varnish hit vs gunicorn render (median ms)",
            "value": round(hit * 1000, 2),
            "baseline": round(render * 1000, 2),
            "ratio": round(hit / render, 3),
            "goal": "<= 0.5x",
            "ok": hit / render <= 0.5,
            "note": f"{gets} GETs each, one client, new connection per request",
        },
        {
            "measure": "registration (form POST) with synchronous purge vs without (median ms)",
            "value": round(purged * 1000, 2),
            "baseline": round(unpurged * 1000, 2),
            "ratio": round(purged / unpurged, 3),
            "goal": "<= 1.3x",
            "ok": purged / unpurged <= 1.3,
            "note": f"{registrations} each, alternately; next GET through Varnish showed "
            f"{shown} places left, expected {expected}",
        },
        {
            "measure": "PURGE requests per registration (session with a capacity, in a series)",
            "value": round(per_registration, 2),
            "baseline": 2,
            "ratio": round(per_registration / 2, 2),
            "goal": "constant",
            "ok": per_registration == 2 and shown == expected,
            "note": "varnishstat MAIN.bans_added; the session page and its series page",
        },
        {
            "measure": "PURGE requests per registration (session without a capacity)",
            "value": purges_uncapped / uncapped_count,
            "baseline": 0,
            "ratio": None,
            "goal": "constant",
            "ok": purges_uncapped == 0,
            "note": "its pages show no count of places, so nothing is purged",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 GETs, 60 registrations")
    parser.add_argument("--gets", type=int, default=None)
    parser.add_argument("--registrations", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="print the rows as one JSON line")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    gets, registrations = (200, 60) if args.quick else (1000, 300)
    rows = _run(args.gets or gets, args.registrations or registrations)
    if args.json:
        print(json.dumps(rows))
        sys.exit(1 if any(row["ok"] is False for row in rows) else 0)
    for row in rows:
        print(
            f"{row['measure']}: {row['value']} vs {row['baseline']} -> ratio {row['ratio']} "
            f"(goal {row['goal']}, ok {row['ok']}) {row['note']}"
        )
    if any(row["ok"] is False for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()

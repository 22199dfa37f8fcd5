"""Take the screenshots in docs/screenshots/ again, from the demo, in a real Chromium.

    .venv/bin/python scripts/screenshots.py            # the venv of scripts/test.sh

Builds a throwaway copy of the example site (a SQLite database and a mail folder in a temporary
directory; example_project/db.sqlite3 is not touched), migrates it, loads the demo content
(`webinars_load_demo`), registers four made-up people for the first session, serves the site with
`runserver` on a free port and takes, with Playwright and Debian's /usr/bin/chromium (launched
as tests/browser launches it; no browser is downloaded):

- docs/screenshots/session-1280.png: the first session's page, the first screen on a desktop;
- docs/screenshots/session-390.png: the same on a phone, 390 px wide;
- docs/screenshots/admin-registrations-1280.png: the admin's list of registrations.

It fails (exit 1) when the session page scrolls sideways at 390 px. The demo's dates are in the
year after today, so the pictures change a little from year to year.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, CHROMIUM_PATH  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
ADMIN_USER, ADMIN_PASSWORD = "redaktor", "skarmbild-demo"

SET_UP = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

from wagtail_webinars.models import WebinarSessionPage
from wagtail_webinars.registration.services import RegistrationRequest, register

get_user_model().objects.create_superuser("{user}", "redaktor@example.org", "{password}")
site = Site.objects.get(is_default_site=True)
site.hostname, site.port, site.site_name = "127.0.0.1", {port}, "Exempelkommunen"
site.save()
home = site.root_page.specific
home.title = "Välkommen till Exempelkommunen"
home.save_revision().publish()
call_command("webinars_load_demo", verbosity=0)
session = WebinarSessionPage.objects.order_by("start").first()
people = [
    ("Ingrid Holm", "0180", "Stockholms stad"),
    ("Johan Berg", "1480", "Göteborgs Stad"),
    ("Sara Nilsson", "1280", "Malmö stad"),
    ("Ali Hassan", "0380", "Uppsala kommun"),
]
for name, code, organisation in people:
    email = name.lower().replace(" ", ".") + "@example.org"
    register(session, RegistrationRequest(name=name, email=email, organisation=organisation,
                                          municipality_code=code, consent_text="Ja"))
print(session.url)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py, with our own arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT / "example_project",
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def shoot(base: str, session_url: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems = []
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for width, height in ((1280, 1000), (390, 844)):
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale="sv-SE",
                timezone_id="Europe/Stockholm",
            )
            page = context.new_page()
            page.goto(base + session_url)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                problems.append(f"the session page scrolls sideways at {width} px ({scroll_width} px wide)")
            page.screenshot(path=OUT / f"session-{width}.png")
            context.close()

        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="sv-SE", timezone_id="Europe/Stockholm"
        )
        page = context.new_page()
        page.goto(base + "/admin/login/")
        page.fill("#id_username", ADMIN_USER)
        page.fill("#id_password", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        page.goto(base + "/admin/wagtail_webinars/registration/")
        page.screenshot(path=OUT / "admin-registrations-1280.png")
        context.close()
        browser.close()
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ww-screenshots-") as tmp:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "example_project.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
            "WW_DEMO_DB": str(Path(tmp) / "db.sqlite3"),
            "WW_DEMO_MAIL_DIR": str(Path(tmp) / "sent_mail"),
        }
        manage(env, "migrate", "--noinput")
        set_up = SET_UP.format(user=ADMIN_USER, password=ADMIN_PASSWORD, port=port)
        session_url = manage(env, "shell", "--no-imports", "-c", set_up).strip().splitlines()[-1]
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT / "example_project",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/")
            problems = shoot(base, session_url)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in sorted(OUT.glob("*.png")):
        print(f"wrote {path.relative_to(ROOT)}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

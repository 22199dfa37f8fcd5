"""Proof in a host site not built for us: `wagtail start` makes one, the steps of
docs/installation.md (read from the file, so the docs cannot drift from what works) put us in,
and a webinar page renders inside that site's own base.html.

Everything runs in subprocesses with the site's own manage.py and settings, as a host would.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INSTALLATION = REPO / "docs" / "installation.md"
WAGTAIL = Path(sys.executable).with_name("wagtail")


def doc_block(marker: str) -> str:
    """The fenced code block that follows `<!-- host-site-test: marker -->` in installation.md."""
    match = re.search(
        rf"<!-- host-site-test: {marker} -->\s*```\w*\n(.*?)```", INSTALLATION.read_text(), re.S
    )
    assert match, f"docs/installation.md lost its {marker!r} block"
    return match.group(1)


def run(args, cwd, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "WW_DB"}}
    # The package as pip installs it: importable, nothing of the test suite's settings.
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def install_as_documented(site: Path) -> None:
    settings = site / "hostsite" / "settings" / "base.py"
    apps = re.findall(r'^\s*("[\w.]+",)', doc_block("installed-apps"), re.M)
    assert '"wagtail_webinars",' in apps
    text = settings.read_text()
    assert "INSTALLED_APPS = [\n" in text
    settings.write_text(
        text.replace(
            "INSTALLED_APPS = [\n", "INSTALLED_APPS = [\n" + "".join(f"    {a}\n" for a in apps), 1
        )
    )

    urls = site / "hostsite" / "urls.py"
    (our_line,) = [
        line for line in doc_block("urls").splitlines() if "wagtail_webinars.urls" in line
    ]
    text = urls.read_text()
    wagtail_line = next(
        line for line in text.splitlines() if 'path("", include(wagtail_urls))' in line
    )
    indent = wagtail_line[: len(wagtail_line) - len(wagtail_line.lstrip())]
    urls.write_text(text.replace(wagtail_line, indent + our_line.strip() + "\n" + wagtail_line, 1))


RENDER_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostsite.settings.dev")
    import django
    django.setup()
    from django.test import Client
    from wagtail_webinars.pagemodel import session_page_model
    session = session_page_model().objects.get(slug="har-fatt-en-hardare-ton")
    client = Client()
    page = client.get(session.url)
    ics = client.get(f"/webinars/sessions/{session.pk}/calendar.ics")
    sys.stdout.write(json.dumps({"status": page.status_code, "html": page.content.decode(),
                                 "ics_status": ics.status_code, "ics": ics.content.decode()}))
    """
)


@pytest.fixture(scope="module")
def host_site(tmp_path_factory) -> dict:
    site = tmp_path_factory.mktemp("host") / "site"
    site.mkdir()
    run([str(WAGTAIL), "start", "hostsite", str(site)], cwd=site.parent)
    install_as_documented(site)
    python = sys.executable
    check = run([python, "manage.py", "check"], cwd=site)
    run([python, *doc_block("migrate").split()[1:], "--noinput"], cwd=site)
    run([python, "manage.py", "webinars_load_demo"], cwd=site)
    rendered = run([python, "-c", RENDER_SCRIPT], cwd=site)
    return {"check": check.stdout + check.stderr, **json.loads(rendered.stdout.splitlines()[-1])}


def test_host_site_passes_system_checks(host_site):
    assert "System check identified no issues" in host_site["check"]


def test_session_page_renders_inside_the_hosts_own_base_template(host_site):
    html = host_site["html"]
    assert host_site["status"] == 200
    # wagtail start's base.html: its stylesheet in the head, its script at the end of the body.
    head, body = html.split("<body", 1)
    assert "/static/css/hostsite.css" in head
    assert body.index("Det demokratiska samtalet") < body.index("/static/js/hostsite.js")


def test_session_page_links_our_stylesheet_after_the_hosts(host_site):
    head = host_site["html"].split("<body", 1)[0]
    assert "/static/wagtail_webinars/css/webinars.css" in head
    assert head.index("hostsite.css") < head.index("webinars.css")


def test_session_page_shows_the_demo_content(host_site):
    html = host_site["html"]
    assert html.count("<h1") == 1
    assert "Vian Tahir" in html and "Lena Lindgren" in html


def test_our_urls_work_under_the_documented_prefix(host_site):
    assert host_site["ics_status"] == 200
    assert "BEGIN:VCALENDAR" in host_site["ics"]

"""A site that installs only the feedback app: a fresh `wagtail start` site, the steps of
docs/installation.md "Only the feedback widget" (read from the file), and nothing of the webinar
app. Its pages show the widget, answers are saved, and the report and the panel work.

Everything runs in subprocesses with the site's own manage.py and settings, as a host would.
"""

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_host_site import WAGTAIL, doc_block, run


def install_feedback_only(site: Path) -> None:
    settings = site / "hostsite" / "settings" / "base.py"
    apps = re.findall(r'^\s*("[\w.]+",)', doc_block("feedback-installed-apps"), re.M)
    assert apps == ['"wagtail_webinars.feedback",']
    text = settings.read_text()
    text = text.replace(
        "INSTALLED_APPS = [\n", "INSTALLED_APPS = [\n" + "".join(f"    {a}\n" for a in apps), 1
    )
    # The site's own choice, as a Swedish municipality makes it (`wagtail start` says en-us).
    settings.write_text(text + '\nLANGUAGE_CODE = "sv"\n')

    urls = site / "hostsite" / "urls.py"
    (our_line,) = [
        line for line in doc_block("feedback-urls").splitlines() if "wagtail_webinars" in line
    ]
    text = urls.read_text()
    wagtail_line = next(
        line for line in text.splitlines() if 'path("", include(wagtail_urls))' in line
    )
    indent = wagtail_line[: len(wagtail_line) - len(wagtail_line.lstrip())]
    urls.write_text(text.replace(wagtail_line, indent + our_line.strip() + "\n" + wagtail_line, 1))

    base = site / "hostsite" / "templates" / "base.html"
    text = base.read_text()
    assert "</body>" in text
    base.write_text(text.replace("</body>", doc_block("feedback-base-template") + "</body>", 1))


PROBE_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostsite.settings.dev")
    import django
    django.setup()
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from wagtail.models import Page
    from wagtail_webinars.feedback.models import Feedback

    home = Page.objects.get(depth=2)
    visitor = Client()
    page = visitor.get(home.url)
    answer = visitor.post("/webinars/api/feedback/", json.dumps({"page": home.pk, "helpful": False,
                          "comment": "Ring mig på 070-123 45 67"}), content_type="application/json")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.se", "x")
    editor = Client()
    editor.force_login(admin)
    report = editor.get("/admin/webinars/feedback/report/")
    panel = editor.get(f"/admin/webinars/feedback/pages/{home.pk}/panel/")
    sys.stdout.write(json.dumps({
        "page_status": page.status_code, "html": page.content.decode(),
        "answer_status": answer.status_code, "answer": answer.json(),
        "stored_comment": Feedback.objects.get().comment,
        "report_status": report.status_code, "report": report.content.decode(),
        "panel_status": panel.status_code,
        "app_labels": sorted(config.label for config in apps.get_app_configs()),
        "tables": sorted(t for t in connection.introspection.table_names() if t.startswith("wagtail_webinars")),
    }))
    """
)


@pytest.fixture(scope="module")
def feedback_site(tmp_path_factory) -> dict:
    site = tmp_path_factory.mktemp("feedback-host") / "site"
    site.mkdir()
    run([str(WAGTAIL), "start", "hostsite", str(site)], cwd=site.parent)
    install_feedback_only(site)
    python = sys.executable
    check = run([python, "manage.py", "check"], cwd=site)
    run([python, "manage.py", "migrate", "--noinput"], cwd=site)
    probe = run([python, "-c", PROBE_SCRIPT], cwd=site)
    return {"check": check.stdout + check.stderr, **json.loads(probe.stdout.splitlines()[-1])}


def test_a_feedback_only_site_passes_the_system_checks(feedback_site):
    assert "System check identified no issues" in feedback_site["check"]


def test_nothing_of_the_webinar_app_is_installed(feedback_site):
    assert "wagtail_webinars" not in feedback_site["app_labels"]
    assert "wagtail_webinars_feedback" in feedback_site["app_labels"]
    assert feedback_site["tables"] == [
        "wagtail_webinars_feedback",
        "wagtail_webinars_feedbackpagesetting",
    ]


def test_every_page_shows_the_widget_in_swedish(feedback_site):
    assert feedback_site["page_status"] == 200
    html = feedback_site["html"]
    assert "Hjälpte informationen på sidan dig?" in html
    assert "/static/wagtail_webinars/css/feedback.css" in html
    assert "/static/wagtail_webinars/js/feedback.js" in html


def test_an_answer_is_saved_and_scrubbed(feedback_site):
    assert feedback_site["answer_status"] == 201
    assert feedback_site["stored_comment"] == "Ring mig på [telefon]"


def test_the_report_and_the_panel_work(feedback_site):
    assert feedback_site["report_status"] == 200
    assert "[telefon]" in feedback_site["report"]
    assert feedback_site["panel_status"] == 200

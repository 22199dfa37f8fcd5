"""A host site reshapes our pages with its own templates and two settings, never by editing ours."""

import copy
import pathlib
import re

import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import PageSpeakerFactory, WebinarSessionPageFactory

pytestmark = pytest.mark.django_db


def host_templates(directory):
    """TEMPLATES with the host's own template directory in front, as a site's settings have it."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [directory, *templates[0]["DIRS"]]
    return templates


@pytest.fixture
def session(home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    PageSpeakerFactory(page=session, speaker__name="Vian Tahir", role="Inspiratör")
    return session


def test_host_overrides_one_fragment_by_placing_a_file_at_the_same_path(client, session, tmp_path):
    fragment = tmp_path / "wagtail_webinars" / "includes" / "speakers.html"
    fragment.parent.mkdir(parents=True)
    fragment.write_text(
        '<p class="host-speakers">{% for item in speakers %}{{ item.speaker.name }} '
        "({{ item.role }}){% endfor %}</p>"
    )
    with override_settings(TEMPLATES=host_templates(tmp_path)):
        html = client.get(session.url).content.decode()
    assert '<p class="host-speakers">Vian Tahir (Inspiratör)</p>' in html
    assert 'class="ww-speakers"' not in html
    # The rest of our page is untouched.
    assert '<h1 id="ww-title">Det demokratiska samtalet</h1>' in html


def test_host_overrides_one_page_type_by_model_name(client, session, tmp_path):
    page_template = tmp_path / "wagtail_webinars" / "pages" / "webinarsessionpage.html"
    page_template.parent.mkdir(parents=True)
    page_template.write_text(
        '{% extends "wagtail_webinars/base.html" %}'
        "{% block webinars_content %}<h1>Egen mall: {{ page.title }}</h1>{% endblock %}"
    )
    with override_settings(TEMPLATES=host_templates(tmp_path)):
        html = client.get(session.url).content.decode()
    assert "<h1>Egen mall: Det demokratiska samtalet</h1>" in html


def test_base_template_setting_switches_the_page_shell(client, session, tmp_path):
    (tmp_path / "intranet_base.html").write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Intranätet</title>{% block extra_css %}'
        "{% endblock %}</head><body><nav data-intranet>Intranätet</nav>{% block content %}"
        "{% endblock %}</body></html>"
    )
    with override_settings(
        TEMPLATES=host_templates(tmp_path),
        WAGTAIL_WEBINARS={"BASE_TEMPLATE": "intranet_base.html"},
    ):
        html = client.get(session.url).content.decode()
    assert "data-intranet" in html
    assert "data-host-header" not in html
    assert "Det demokratiska samtalet</h1>" in html
    assert "wagtail_webinars/css/webinars.css" in html


def test_our_main_landmark_wraps_the_content_by_default(client, session):
    html = client.get(session.url).content.decode()
    assert '<main id="main" class="ww">' in html


@override_settings(WAGTAIL_WEBINARS={"BASE_TEMPLATE": "base.html", "MAIN_LANDMARK": False})
def test_main_landmark_off_drops_our_main_for_a_host_that_has_its_own(client, session):
    html = client.get(session.url).content.decode()
    assert "<main" not in html
    assert '<div class="ww">' in html
    assert "Det demokratiska samtalet</h1>" in html


def test_stylesheet_has_no_external_assets_and_is_namespaced():
    from django.contrib.staticfiles import finders

    css = pathlib.Path(finders.find("wagtail_webinars/css/webinars.css")).read_text(
        encoding="utf-8"
    )
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert "@import" not in css and "url(" not in css
    assert not re.search(r"https?://", css)
    rules = [rule.split("{")[0].strip() for rule in css.split("}") if "{" in rule]
    selectors = [s.strip() for rule in rules for s in rule.split(",")]
    assert all(s.startswith((".ww", "@media")) for s in selectors), selectors


def test_templates_have_no_inline_scripts_or_event_handlers():
    import wagtail_webinars

    root = pathlib.Path(wagtail_webinars.__file__).parent / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and "application/ld+json" not in match.group(1):
                offenders.append(f"{path.relative_to(root)}: {match.group(0)}")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(root)}: inline event handler")
    assert offenders == []

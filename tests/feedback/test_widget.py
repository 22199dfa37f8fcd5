"""The widget on a page: where it shows, what it costs, and that the page stays cacheable."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from wagtail import urls as wagtail_urls

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.page_switch import DISABLED_PAGES_CACHE_KEY, set_feedback_enabled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]

HOST_SHELL = (
    '<!DOCTYPE html><html lang="sv"><head><title>{% block title %}{{ page.title }}{% endblock %}'
    "</title>{% block extra_css %}{% endblock %}</head><body>{% block content %}{% endblock %}"
    "WIDGET{% block extra_js %}{% endblock %}</body></html>"
)
WITH_WIDGET = "{% load wagtail_webinars_tags %}" + HOST_SHELL.replace(
    "WIDGET", "{% webinar_feedback %}"
)
WITHOUT_WIDGET = HOST_SHELL.replace("WIDGET", "")
HOST_PAGE = (
    '{% extends "host_base.html" %}{% block content %}<main><h1>{{ page.title }}</h1></main>'
    "{% endblock %}"
)


def host_templates(base: str) -> list[dict]:
    """A host site's templates, like tests/templates/base.html but without {% wagtailuserbar %}
    (which reads the session for logged-in editors and so adds Vary: Cookie by itself)."""
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "host_base.html": base,
                            # A page type of the host's own, like home/home_page.html.
                            "wagtailcore/page.html": HOST_PAGE,
                        },
                    ),
                    "django.template.loaders.app_directories.Loader",
                ],
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ],
            },
        }
    ]


def contact_view(request):
    """A page of the host site that is not a Wagtail page."""
    template = engines["django"].from_string(
        "{% load wagtail_webinars_tags %}<main><h1>Kontakt</h1></main>{% webinar_feedback %}"
    )
    return HttpResponse(template.render({}, request))


urlpatterns = [
    path("kontakt/", contact_view),
    path("kalender/webbinarier/", include("wagtail_webinars.urls")),
    path("", include(wagtail_urls)),
]


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def widget_of(html: str) -> str:
    match = re.search(r'<section class="ww ww-feedback".*?</section>', html, re.S)
    assert match, "no feedback widget on the page"
    return match.group(0)


def get_with(client, url, base_template):
    base = {"with_widget.html": WITH_WIDGET, "without_widget.html": WITHOUT_WIDGET}[base_template]
    with override_settings(
        TEMPLATES=host_templates(base), WAGTAIL_WEBINARS={"BASE_TEMPLATE": "host_base.html"}
    ):
        return client.get(url)


# -- where it appears --------------------------------------------------------------------------


def test_the_tag_in_base_html_asks_the_question_on_a_webinar_page(client, session):
    widget = widget_of(client.get(session.url).content.decode())

    assert "Hjälpte informationen på sidan dig?" in widget
    assert f'name="page" value="{session.pk}"' in widget
    assert ">Ja</button>" in widget and ">Nej</button>" in widget


def test_the_tag_works_on_any_page_type_of_the_host(client, home):
    widget = widget_of(get_with(client, home.url, "with_widget.html").content.decode())

    assert f'name="page" value="{home.pk}"' in widget


@override_settings(ROOT_URLCONF=__name__)
def test_on_a_url_that_is_not_a_wagtail_page_the_path_is_recorded(client, site):
    widget = widget_of(client.get("/kontakt/?amne=bygglov").content.decode())

    assert 'name="page" value=""' in widget
    assert 'name="path" value="/kontakt/?amne=bygglov"' in widget


# A host's own page type with the block in its body (our pages do not offer it: they show the
# widget through base.html). The block renders its template with the page's context.
HOST_PAGE_WITH_BLOCK = HOST_PAGE.replace(
    "</main>", '{% include "wagtail_webinars/feedback/block.html" %}</main>'
)


def get_host_page_with_block(client, url, base_template):
    base = {"with_widget.html": WITH_WIDGET, "without_widget.html": WITHOUT_WIDGET}[base_template]
    templates = host_templates(base)
    templates[0]["OPTIONS"]["loaders"][0][1]["wagtailcore/page.html"] = HOST_PAGE_WITH_BLOCK
    with override_settings(
        TEMPLATES=templates, WAGTAIL_WEBINARS={"BASE_TEMPLATE": "host_base.html"}
    ):
        return client.get(url)


def test_the_feedback_block_shows_the_widget_once_with_the_tag_in_base_html(client, home):
    html = get_host_page_with_block(client, home.url, "with_widget.html").content.decode()

    assert html.count('id="ww-feedback"') == 1


def test_the_feedback_block_shows_the_widget_on_a_site_without_the_tag(client, home):
    html = get_host_page_with_block(client, home.url, "without_widget.html").content.decode()

    assert html.count('id="ww-feedback"') == 1


def test_an_editor_can_turn_the_widget_off_for_one_page(client, session, home):
    set_feedback_enabled(session, False)

    assert 'id="ww-feedback"' not in client.get(session.url).content.decode()
    assert 'id="ww-feedback"' in get_with(client, home.url, "with_widget.html").content.decode()


def test_turning_it_on_again_shows_it_again(client, session):
    set_feedback_enabled(session, False)
    set_feedback_enabled(session, True)

    assert 'id="ww-feedback"' in client.get(session.url).content.decode()


@override_settings(WAGTAIL_WEBINARS={"FEEDBACK_TEXTS": {"question": "Var sidan till nytta?"}})
def test_the_site_can_change_the_wording(client, session):
    widget = widget_of(client.get(session.url).content.decode())

    assert "Var sidan till nytta?" in widget
    assert "Hjälpte informationen" not in widget


def test_the_wording_follows_the_visitors_language(client, session):
    from django.utils import translation

    with translation.override("en"):
        widget = widget_of(
            client.get(session.url, headers={"Accept-Language": "en"}).content.decode()
        )

    assert "Did the information on this page help you?" in widget
    assert 'name="language" value="en"' in widget


def test_a_forged_comment_token_in_the_url_shows_the_question(client, session):
    widget = widget_of(
        client.get(f"{session.url}?ww_feedback=comment&ww_feedback_token=x").content.decode()
    )

    assert 'name="helpful"' in widget
    assert 'name="token"' not in widget


# -- cacheable ---------------------------------------------------------------------------------


def test_a_page_with_the_widget_sets_no_cookie_and_does_not_vary_on_cookies(client, home):
    response = get_with(client, home.url, "with_widget.html")

    assert 'id="ww-feedback"' in response.content.decode()
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "csrfmiddlewaretoken" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_non_wagtail_page_with_the_widget_sets_no_cookie(client, site):
    response = client.get("/kontakt/")

    assert not response.cookies
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_the_widget_has_no_inline_script_or_event_handler(rf, site):
    from django.template import Context, Template

    html = Template("{% load wagtail_webinars_tags %}{% webinar_feedback %}").render(
        Context({"request": rf.get("/kontakt/")})
    )

    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/wagtail_webinars/js/feedback.js" defer>'
    ]
    assert not re.search(r"\son[a-z]+=", html)


# -- costs no query ----------------------------------------------------------------------------


def count_queries(client, url, base_template) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get_with(client, url, base_template)
    assert response.status_code == 200
    return len(queries)


def test_the_widget_adds_no_sql_query_to_a_webinar_page(client, session):
    count_queries(client, session.url, "with_widget.html")  # warm Wagtail's own caches

    with_widget = count_queries(client, session.url, "with_widget.html")
    without_widget = count_queries(client, session.url, "without_widget.html")

    assert with_widget == without_widget


def test_the_per_page_switch_adds_no_sql_query_after_an_editor_changed_it(client, session, home):
    count_queries(client, session.url, "without_widget.html")
    set_feedback_enabled(home, False)  # fills the cache as it saves

    with_widget = count_queries(client, session.url, "with_widget.html")
    without_widget = count_queries(client, session.url, "without_widget.html")

    assert with_widget == without_widget


def test_the_widget_adds_no_sql_query_to_a_page_of_the_host(client, home):
    count_queries(client, home.url, "with_widget.html")

    with_widget = count_queries(client, home.url, "with_widget.html")
    without_widget = count_queries(client, home.url, "without_widget.html")

    assert with_widget == without_widget


def test_a_cold_cache_costs_one_query_for_the_whole_site(client, session):
    count_queries(client, session.url, "without_widget.html")
    cache.delete(DISABLED_PAGES_CACHE_KEY)

    cold = count_queries(client, session.url, "with_widget.html")
    warm = count_queries(client, session.url, "with_widget.html")

    assert cold == warm + 1

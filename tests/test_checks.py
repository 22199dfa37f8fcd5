"""System checks: each tells a host developer what their site got wrong, and how to fix it."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import path

from wagtail_webinars import checks

# A urlconf without our URLs, for E002 (ROOT_URLCONF="tests.test_checks").
urlpatterns = [path("ingenting/", lambda request: None)]

GOOD = {"BASE_TEMPLATE": "base.html"}


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_test_site_passes_every_check():
    assert list(run_checks(tags=["wagtail_webinars"])) == []


def test_e001_names_the_missing_apps(monkeypatch):
    # Not override_settings(INSTALLED_APPS): Wagtail 8's apps mount API routers in ready(), which
    # cannot run twice, so the registry is left alone and the check sees two apps fewer.
    configs = [
        c
        for c in checks.apps.get_app_configs()
        if c.name not in ("wagtail.api.v2", "rest_framework")
    ]
    monkeypatch.setattr(checks.apps, "get_app_configs", lambda: configs)
    messages = checks.check_required_apps()
    assert ids(messages) == ["wagtail_webinars.E001"]
    assert "wagtail.api.v2" in messages[0].msg and "rest_framework" in messages[0].msg
    assert "INSTALLED_APPS" in messages[0].hint


def test_e001_silent_with_every_app_installed():
    assert checks.check_required_apps() == []


@override_settings(ROOT_URLCONF="tests.test_checks")
def test_e002_when_our_urls_are_not_included():
    messages = checks.check_urls_included()
    assert ids(messages) == ["wagtail_webinars.E002"]
    assert 'include("wagtail_webinars.urls")' in messages[0].hint


def test_e002_silent_with_our_urls_under_any_prefix():
    # tests/urls.py includes them under "kalender/webbinarier/".
    assert checks.check_urls_included() == []


@override_settings(WAGTAIL_WEBINARS={"BASE_TEMPLATE": "finns_inte.html"})
def test_e003_when_the_base_template_does_not_exist():
    messages = checks.check_base_template()
    assert ids(messages) == ["wagtail_webinars.E003"]
    assert "'finns_inte.html'" in messages[0].msg


@override_settings(WAGTAIL_WEBINARS=GOOD)
def test_e003_silent_with_an_existing_base_template():
    assert checks.check_base_template() == []


@override_settings(WAGTAIL_WEBINARS={**GOOD, "BASE_TEMPLATES": "base.html"})
def test_e004_on_an_unknown_key():
    messages = checks.check_settings_keys()
    assert ids(messages) == ["wagtail_webinars.E004"]
    assert "'BASE_TEMPLATES'" in messages[0].msg
    assert "BASE_TEMPLATE" in messages[0].hint


@override_settings(WAGTAIL_WEBINARS=[("BASE_TEMPLATE", "base.html")])
def test_e004_when_the_setting_is_not_a_dict():
    assert ids(checks.check_settings_keys()) == ["wagtail_webinars.E004"]


@override_settings(WAGTAIL_WEBINARS=GOOD)
def test_e004_silent_with_known_keys():
    assert checks.check_settings_keys() == []


@override_settings(WAGTAIL_WEBINARS={**GOOD, "TIME_ZONE": "Europe/Stokholm"})
def test_e005_on_an_unknown_time_zone():
    messages = checks.check_time_zone()
    assert ids(messages) == ["wagtail_webinars.E005"]
    assert "'Europe/Stokholm'" in messages[0].msg


@override_settings(WAGTAIL_WEBINARS={**GOOD, "TIME_ZONE": "Europe/Helsinki"})
def test_e005_silent_with_a_known_time_zone():
    assert checks.check_time_zone() == []


@override_settings(USE_TZ=False)
def test_e006_when_use_tz_is_off():
    assert ids(checks.check_time_zone()) == ["wagtail_webinars.E006"]


@override_settings(WAGTAIL_PAGE_MODEL="home.BasePage")
def test_e007_when_the_base_page_model_is_swapped_but_our_pages_are_not():
    messages = checks.check_page_models_swapped()
    assert ids(messages) == ["wagtail_webinars.E007"] * 3
    assert "WAGTAIL_WEBINARS_WEBINARSESSIONPAGE_MODEL" in " ".join(m.hint for m in messages)


@override_settings(
    WAGTAIL_PAGE_MODEL="home.BasePage",
    WAGTAIL_WEBINARS_WEBINARSERIESPAGE_MODEL="home.SeriesPage",
    WAGTAIL_WEBINARS_WEBINARSESSIONPAGE_MODEL="home.SessionPage",
    WAGTAIL_WEBINARS_WEBINARLISTINGPAGE_MODEL="home.ListingPage",
)
def test_e007_silent_when_our_pages_are_swapped_too():
    assert checks.check_page_models_swapped() == []


def test_e007_silent_with_wagtails_own_page_model():
    assert checks.check_page_models_swapped() == []


@pytest.mark.parametrize(
    "check",
    sorted({*checks.WEBINAR_CHECKS, *checks.FEEDBACK_CHECKS}, key=lambda c: c.__name__),
    ids=lambda c: c.__name__,
)
def test_every_check_is_registered_with_django(check):
    from django.core.checks import registry

    assert check in registry.registry.get_checks()


LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/9",
}


def deploy_ids():
    return ids(run_checks(include_deployment_checks=True, tags=["wagtail_webinars"]))


@override_settings(CACHES={"default": LOCMEM})
def test_w020_under_check_deploy_when_limits_count_per_process():
    assert "wagtail_webinars.W020" in deploy_ids()
    (warning,) = checks.check_shared_cache()
    assert "rate limits" in warning.msg
    assert "de-duplication" in warning.msg


@override_settings(CACHES={"default": REDIS, "pages": LOCMEM})
def test_w020_names_the_page_cache_when_it_is_per_process():
    with override_settings(WAGTAIL_WEBINARS={"CACHE_ALIAS": "pages"}):
        (warning,) = checks.check_shared_cache()
        assert "'pages'" in warning.msg
        assert "registrations" in warning.msg
    with override_settings(WAGTAIL_WEBINARS={"CACHE_ALIAS": "pages", "CACHE_TIMEOUT": 0}):
        assert checks.check_shared_cache() == []


@override_settings(CACHES={"default": LOCMEM})
def test_w020_only_under_check_deploy():
    assert "wagtail_webinars.W020" not in ids(run_checks(tags=["wagtail_webinars"]))


@override_settings(CACHES={"default": REDIS, "limits": LOCMEM}, RATELIMIT_USE_CACHE="limits")
def test_w020_names_the_rate_limit_cache_when_it_is_another():
    (warning,) = checks.check_shared_cache()
    assert "'limits'" in warning.msg
    assert "de-duplication" not in warning.msg


@override_settings(CACHES={"default": REDIS})
def test_w020_silent_with_a_shared_cache():
    assert checks.check_shared_cache() == []

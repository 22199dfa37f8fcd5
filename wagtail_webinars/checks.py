"""System checks for what a host site can get wrong. Each returns ``Error``s with a hint.

Part of the kernel: the webinar app registers ``WEBINAR_CHECKS`` and the feedback app
``FEEDBACK_CHECKS`` (``AppConfig.ready()``); the checks both need are in both, and Django runs a
check registered twice once.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable

import swapper
from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

from .conf import DEFAULTS, SETTING_NAME, webinar_settings
from .origin import frontend_origins
from .pagemodel import APP_LABEL, page_model_name, swappable_setting

REQUIRED_APPS = {
    "wagtail": "wagtail",
    "wagtail.admin": "wagtail.admin",
    "wagtail.snippets": "wagtail.snippets",
    "wagtail.images": "wagtail.images",
    "wagtail.documents": "wagtail.documents",
    "wagtail.embeds": "wagtail.embeds",
    "wagtail.api.v2": "wagtail.api.v2",
    "wagtail_modeladmin": "wagtail_modeladmin",
    "modelcluster": "modelcluster",
    "rest_framework": "rest_framework",
    # The widget and its models moved into an app of their own; the webinar pages show it.
    "wagtail_webinars.feedback": "wagtail_webinars.feedback",
}
FEEDBACK_REQUIRED_APPS = ("wagtail", "wagtail.admin")


def _missing_apps(required: Iterable[str]) -> list[str]:
    installed = {config.name for config in apps.get_app_configs()}
    return [name for name in required if name not in installed]


def check_required_apps(app_configs=None, **kwargs) -> list[Error]:
    missing = _missing_apps(REQUIRED_APPS)
    if not missing:
        return []
    return [
        Error(
            f"wagtail_webinars needs these apps in INSTALLED_APPS: {', '.join(missing)}.",
            hint="Add them to INSTALLED_APPS; docs/installation.md lists the whole set. A site "
            'upgrading from 0.1.0\'s development versions adds "wagtail_webinars.feedback" '
            "and runs migrate: the feedback answers stay where they are.",
            id="wagtail_webinars.E001",
        )
    ]


def check_feedback_required_apps(app_configs=None, **kwargs) -> list[Error]:
    missing = _missing_apps(FEEDBACK_REQUIRED_APPS)
    if not missing:
        return []
    return [
        Error(
            f"wagtail_webinars.feedback needs these apps in INSTALLED_APPS: {', '.join(missing)}.",
            hint="Add them to INSTALLED_APPS; docs/installation.md shows a site with only the "
            "feedback widget.",
            id="wagtail_webinars.E101",
        )
    ]


def check_feedback_urls_included(app_configs=None, **kwargs) -> list[Error]:
    try:
        reverse("wagtail_webinars:feedback")
    except NoReverseMatch:
        return [
            Error(
                "The URLs of the feedback widget are not included in ROOT_URLCONF.",
                hint='Add path("webinars/", include("wagtail_webinars.feedback.urls")) to your '
                "urls.py, before Wagtail's own URLs (any prefix works); a site with the whole "
                'package includes "wagtail_webinars.urls" instead, which holds them.',
                id="wagtail_webinars.E102",
            )
        ]
    except Exception:
        return []
    return []


def check_urls_included(app_configs=None, **kwargs) -> list[Error]:
    try:
        reverse("wagtail_webinars:session_calendar", args=[1])
    except NoReverseMatch:
        return [
            Error(
                "The URLs of wagtail_webinars are not included in ROOT_URLCONF.",
                hint='Add path("webinars/", include("wagtail_webinars.urls")) to your urls.py, '
                "before Wagtail's own URLs (any prefix works).",
                id="wagtail_webinars.E002",
            )
        ]
    except Exception:
        return []
    return []


def check_base_template(app_configs=None, **kwargs) -> list[Error]:
    name = webinar_settings.BASE_TEMPLATE
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return [
            Error(
                f"WAGTAIL_WEBINARS['BASE_TEMPLATE'] names the template {name!r}, which does not "
                "exist.",
                hint="Set it to your site's page shell (the template with your header, footer and "
                "a {% block content %}), for example 'base.html'.",
                id="wagtail_webinars.E003",
            )
        ]
    return []


def check_settings_keys(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    raw = getattr(settings, SETTING_NAME, {})
    if not isinstance(raw, dict):
        return [
            Error(
                f"{SETTING_NAME} must be a dict.",
                hint="See docs/settings.md.",
                id="wagtail_webinars.E004",
            )
        ]
    for key in webinar_settings.unknown_keys():
        errors.append(
            Error(
                f"{SETTING_NAME} has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(DEFAULTS))}. See docs/settings.md.",
                id="wagtail_webinars.E004",
            )
        )
    return errors


def check_time_zone(app_configs=None, **kwargs) -> list[Error | Warning]:
    messages: list[Error | Warning] = []
    try:
        zoneinfo.ZoneInfo(webinar_settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        messages.append(
            Error(
                f"WAGTAIL_WEBINARS['TIME_ZONE'] is {webinar_settings.TIME_ZONE!r}, which is not a "
                "known time zone.",
                hint="Use an IANA name such as 'Europe/Stockholm'.",
                id="wagtail_webinars.E005",
            )
        )
    if not settings.USE_TZ:
        messages.append(
            Error(
                "wagtail_webinars needs USE_TZ = True: session times are stored as aware "
                "datetimes.",
                hint="Set USE_TZ = True in your settings (Django's default).",
                id="wagtail_webinars.E006",
            )
        )
    return messages


def check_page_models_swapped(app_configs=None, **kwargs) -> list[Error]:
    """A site with its own base page model must swap our concrete pages for its own."""
    if page_model_name().lower() == "wagtailcore.page":
        return []
    errors = []
    for model_name in ("WebinarSeriesPage", "WebinarSessionPage", "WebinarListingPage"):
        setting = swappable_setting(model_name)
        # swapper sets every swappable setting to its default on first use, so the setting
        # always exists: ask whether it names another model.
        if not swapper.is_swapped(APP_LABEL, model_name):
            errors.append(
                Error(
                    f"The site's base page model is {page_model_name()}, so "
                    f"wagtail_webinars.{model_name} (built on wagtailcore.Page) cannot be used.",
                    hint=f"Define your own page from wagtail_webinars.models.{model_name}Mixin and "
                    f"your base page model, and name it in settings.{setting}. "
                    "See docs/installation.md, 'Sites with their own base page model'.",
                    id="wagtail_webinars.E007",
                )
            )
    return errors


CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"


def check_cors(app_configs=None, **kwargs) -> list[Error | Warning]:
    """The frontend origins are one list, answered by django-cors-headers without credentials."""
    messages: list[Error | Warning] = []
    origins = frontend_origins()
    middleware = list(getattr(settings, "MIDDLEWARE", []) or [])
    if origins and (not apps.is_installed("corsheaders") or CORS_MIDDLEWARE not in middleware):
        messages.append(
            Error(
                "Frontend origins are allowed, but django-cors-headers is not set up: browsers "
                "on those origins cannot read our answers.",
                hint=f'Add "corsheaders" to INSTALLED_APPS and "{CORS_MIDDLEWARE}" to '
                "MIDDLEWARE, above CommonMiddleware (docs/installation.md).",
                id="wagtail_webinars.E010",
            )
        )
    elif (
        CORS_MIDDLEWARE in middleware
        and COMMON_MIDDLEWARE in middleware
        and middleware.index(CORS_MIDDLEWARE) > middleware.index(COMMON_MIDDLEWARE)
    ):
        messages.append(
            Warning(
                "CorsMiddleware comes after CommonMiddleware, whose redirects then carry "
                "no CORS headers.",
                hint=f'Move "{CORS_MIDDLEWARE}" above CommonMiddleware.',
                id="wagtail_webinars.W012",
            )
        )
    ours = webinar_settings.ALLOWED_FRONTEND_ORIGINS
    theirs = getattr(settings, "CORS_ALLOWED_ORIGINS", None)
    if ours is not None and theirs is not None:
        normalised_ours = {str(o).lower().rstrip("/") for o in ours}
        normalised_theirs = {str(o).lower().rstrip("/") for o in theirs}
        if normalised_ours != normalised_theirs:
            messages.append(
                Warning(
                    f'{SETTING_NAME}["ALLOWED_FRONTEND_ORIGINS"] and CORS_ALLOWED_ORIGINS '
                    "disagree: " + ", ".join(sorted(normalised_ours ^ normalised_theirs)) + ".",
                    hint=f'Set the list once: leave {SETTING_NAME}["ALLOWED_FRONTEND_ORIGINS"] '
                    "out and it reads CORS_ALLOWED_ORIGINS, or set CORS_ALLOWED_ORIGINS = "
                    f'{SETTING_NAME}["ALLOWED_FRONTEND_ORIGINS"].',
                    id="wagtail_webinars.W010",
                )
            )
    if getattr(settings, "CORS_ALLOW_CREDENTIALS", False):
        messages.append(
            Warning(
                "CORS_ALLOW_CREDENTIALS is on: our endpoints and API v2 need no cookies, and a "
                "frontend origin could then read answers in a signed-in editor's name.",
                hint="Set CORS_ALLOW_CREDENTIALS = False (the default).",
                id="wagtail_webinars.W011",
            )
        )
    return messages


#: Cache backends whose contents each process keeps to itself (or that keep nothing).
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def check_shared_cache(app_configs=None, **kwargs) -> list[Warning]:
    """``check --deploy``: the rate limits and feedback de-duplication need a cache that every
    app process shares; with a per-process one, N processes let N times the limit through."""
    caches = getattr(settings, "CACHES", {})
    uses: dict[str, list[str]] = {}
    uses.setdefault(getattr(settings, "RATELIMIT_USE_CACHE", "default"), []).append(
        "the rate limits"
    )
    uses.setdefault("default", []).append("the feedback widget's de-duplication")
    if webinar_settings.CACHE_TIMEOUT != 0:
        # A publish in one process must reach the page that another reads for a registration.
        uses.setdefault(webinar_settings.CACHE_ALIAS, []).append(
            "the pages that registrations and feedback answers read from the cache"
        )
    messages = []
    for alias, users in sorted(uses.items()):
        backend = caches.get(alias, {}).get("BACKEND", PER_PROCESS_CACHES[0])
        if backend not in PER_PROCESS_CACHES:
            continue
        messages.append(
            Warning(
                f"The cache {alias!r} ({backend.rsplit('.', 1)[-1]}) is not shared between "
                f"processes, so each app process keeps its own count for {' and '.join(users)}.",
                hint=f"Point CACHES[{alias!r}] (or RATELIMIT_USE_CACHE) at Redis or Memcached, "
                "as docs/settings.md describes; a site with one process may ignore this.",
                id="wagtail_webinars.W020",
            )
        )
    return messages


def check_frontend_cache(app_configs=None, **kwargs) -> list[Warning]:
    """``FRONTEND_CACHE`` on: something must purge the pages it lets a shared cache keep."""
    if not webinar_settings.FRONTEND_CACHE:
        return []
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return [
            Warning(
                f'{SETTING_NAME}["FRONTEND_CACHE"] is on but WAGTAILFRONTENDCACHE is not set: '
                "nothing purges the front-end cache, so a registration's places left or a "
                "published change shows only after FRONTEND_CACHE_MAX_AGE.",
                hint="Configure WAGTAILFRONTENDCACHE with your cache's backend "
                "(docs/deployment.md), or turn FRONTEND_CACHE off.",
                id="wagtail_webinars.W030",
            )
        ]
    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return [
            Warning(
                "WAGTAILFRONTENDCACHE is set but wagtail.contrib.frontend_cache is not in "
                "INSTALLED_APPS: the webinar pages are purged, the site's other pages are not "
                "when they are published.",
                hint='Add "wagtail.contrib.frontend_cache" to INSTALLED_APPS.',
                id="wagtail_webinars.W031",
            )
        ]
    return []


#: Checks for ``manage.py check --deploy`` only.
DEPLOY_CHECKS: tuple[Callable, ...] = (check_shared_cache, check_frontend_cache)


#: What both apps need: the page shell, the settings dict, the time zone, the frontend origins.
COMMON_CHECKS: tuple[Callable, ...] = (
    check_base_template,
    check_settings_keys,
    check_time_zone,
    check_cors,
)
WEBINAR_CHECKS: tuple[Callable, ...] = (
    check_required_apps,
    check_urls_included,
    *COMMON_CHECKS,
    check_page_models_swapped,
)
FEEDBACK_CHECKS: tuple[Callable, ...] = (
    check_feedback_required_apps,
    check_feedback_urls_included,
    *COMMON_CHECKS,
)

"""Production settings of the example site: the demo's settings, with everything a real site
must not hard-code read from the environment, as a region would run it (several app processes,
PostgreSQL, Redis, e-mail through a provider). `manage.py check --deploy` passes with them.

    DJANGO_SETTINGS_MODULE=example_project.settings_production

| variable | what | example |
|---|---|---|
| `DJANGO_SECRET_KEY` | required | a long random string |
| `DJANGO_ALLOWED_HOSTS` | required, comma-separated | `webbinarier.example.se` |
| `DATABASE_URL` | required (dj-database-url) | `postgres://user:pw@db:5432/webinars` |
| `CACHE_URL` | required: Redis, shared by every process | `redis://redis:6379/0` |
| `EMAIL_PROVIDER` | an Anymail backend: `mailgun`, `sendgrid`, `postmark`, `amazon_ses`, …; empty: SMTP (`EMAIL_HOST`, …) | `mailgun` |
| `ANYMAIL_*` | the provider's settings, without the prefix, into `ANYMAIL` | `ANYMAIL_MAILGUN_API_KEY` |
| `DEFAULT_FROM_EMAIL` | the sender | `Region X <webbinarier@example.se>` |
| `ALLOWED_FRONTEND_ORIGINS` | comma-separated; the one list for our Origin check and CORS | `https://www.kommun.se` |
| `WAGTAILADMIN_BASE_URL` | the admin's address, for links in e-mails | `https://webbinarier.example.se` |
| `FRONTEND_CACHE_URL` | Varnish's own address: pages become cacheable and are purged there (`WAGTAILFRONTENDCACHE`); empty: no front-end cache | `http://127.0.0.1:6081` |
| `FRONTEND_CACHE_MAX_AGE` | longest seconds Varnish keeps a page (default 300) | `300` |
| `BEHIND_PROXY` | `1` when a TLS-terminating proxy sets `X-Forwarded-Proto` and `X-Forwarded-For` | `1` |
| `LOG_LEVEL` | what reaches stderr (errors and warnings by default) | `INFO` |
| `STATIC_ROOT` | where `collectstatic` puts the static files that the app serves (WhiteNoise) | `/srv/webinars/static` |
| `TASKS_BACKEND` | `database`: e-mails queued for a worker (`manage.py db_worker`, docs/email.md); empty: sent right after the request commits | `database` |

Install the extra: `pip install "wagtail-webinars[production]"`.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import WAGTAIL_WEBINARS


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the environment variable {name} (see {__name__}).")
    return value


def listed(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = listed("DJANGO_ALLOWED_HOSTS") or [required("DJANGO_ALLOWED_HOSTS")]

DATABASES = {"default": dj_database_url.parse(required("DATABASE_URL"), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's search index on PostgreSQL uses its full-text fields (check postgres.E005).
    INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres"]  # noqa: F405

# One cache for every process: rate limits, feedback de-duplication and page fragments must be
# shared, or each process lets the whole limit through (check wagtail_webinars.W020).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": required("CACHE_URL"),
    }
}

# E-mail through Anymail with the provider the environment names, or SMTP.
_provider = os.environ.get("EMAIL_PROVIDER", "").strip()
_email_backend = (
    f"anymail.backends.{_provider}.EmailBackend"
    if _provider
    else "django.core.mail.backends.smtp.EmailBackend"
)
ANYMAIL = {
    key[len("ANYMAIL_") :]: value for key, value in os.environ.items() if key.startswith("ANYMAIL_")
}
_smtp = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "timeout": 10,
}
if "MAILERS" in globals():  # Django 6.1 configures e-mail with MAILERS (settings.py)
    MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": {} if _provider else _smtp}}
else:
    EMAIL_BACKEND = _email_backend
    EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = _smtp["host"], _smtp["port"], _smtp["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The task queue: "database" queues registration e-mails for `manage.py db_worker` (django-tasks-db,
# or django-tasks 0.7's own database backend where Wagtail 7.0 pins it); empty keeps the
# immediate backend of settings.py, which sends right after the request commits.
_tasks_backend = os.environ.get("TASKS_BACKEND", "").strip()
if _tasks_backend == "database":
    import importlib.metadata

    import django

    def _tasks_version() -> tuple[int, ...]:
        return tuple(int(p) for p in importlib.metadata.version("django-tasks").split(".")[:2])

    # django-tasks-db needs Django 6's django.tasks or django-tasks 0.12 (docs/email.md).
    if django.VERSION >= (6, 0) or _tasks_version() >= (0, 12):
        TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
    else:
        TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
        INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks", "django_tasks.backends.database"]
elif _tasks_backend:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={_tasks_backend!r}: use 'database' or leave it empty."
    )

_origins = listed("ALLOWED_FRONTEND_ORIGINS")
CORS_ALLOWED_ORIGINS = _origins
WAGTAIL_WEBINARS = {**WAGTAIL_WEBINARS, "ALLOWED_FRONTEND_ORIGINS": _origins}

# A front-end cache (Varnish, example_project/deploy/varnish.vcl): pages are sent cacheable and
# purged through wagtail.contrib.frontend_cache's HTTP backend (docs/deployment.md).
_frontend_cache_url = os.environ.get("FRONTEND_CACHE_URL", "").strip()
if _frontend_cache_url:
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": _frontend_cache_url,
        }
    }
    WAGTAIL_WEBINARS = {
        **WAGTAIL_WEBINARS,
        "FRONTEND_CACHE": True,
        "FRONTEND_CACHE_MAX_AGE": int(os.environ.get("FRONTEND_CACHE_MAX_AGE", "300")),
    }

WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# HTTPS only.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if os.environ.get("BEHIND_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client's address for rate limits and feedback de-duplication (docs/registration.md).
    RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"

# Static files (the admin's scripts, our CSS) served by the app processes themselves, compressed,
# after `manage.py collectstatic` into STATIC_ROOT; a front-end cache keeps them.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or STATIC_ROOT  # noqa: F405
MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Errors to stderr, where gunicorn, systemd or the container runtime keep them: Django's default
# logging sends a server error only to ADMINS by e-mail when DEBUG is off, and keeps nothing.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

"""Settings for the test suite: a host site like one `wagtail start` makes, plus our app.

WW_DB=postgres runs the suite on PostgreSQL (127.0.0.1:5432, user postgres); WW_CACHE=redis uses
Redis (127.0.0.1:6379) as the cache, as production sites do.
"""

import os
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "wagtail_webinars",
    "wagtail_webinars.feedback",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if os.environ.get("WW_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("WW_PG_NAME", "wagtail_webinars"),
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
        }
    }
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "test.sqlite3"}
    }

if os.environ.get("WW_CACHE") == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            # A namespace per run: Redis outlives the test database, so entries an earlier run
            # (or a run beside this one) left for the same ids, such as Wagtail's cached site
            # root paths, would otherwise leak in.
            "KEY_PREFIX": f"ww-tests-{os.getpid()}-{time.time_ns()}",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "UTC"  # like `wagtail start`: the webinars' own TIME_ZONE setting must still win
USE_I18N = True
USE_TZ = True
WAGTAIL_CONTENT_LANGUAGES = [("sv", "Svenska"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

WAGTAIL_SITE_NAME = "Testkommunen"
WAGTAILADMIN_BASE_URL = "http://testserver"
DEFAULT_FROM_EMAIL = "webbinarier@example.org"

# Django's tasks framework (the django_tasks backport before Django 6). The immediate backend
# sends registration e-mails right after the registration commits; a production site picks a
# worker backend, and `webinars_send_pending_mail` from cron sends whatever is left.
import django as _django  # noqa: E402

TASKS = {
    "default": {
        "BACKEND": ("django.tasks" if _django.VERSION >= (6, 0) else "django_tasks")
        + ".backends.immediate.ImmediateBackend"
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

WAGTAIL_WEBINARS = {"BASE_TEMPLATE": "base.html"}

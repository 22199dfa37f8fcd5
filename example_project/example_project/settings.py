"""Settings of the demo site: a small Wagtail site of its own, on SQLite, e-mail to files.

``WW_DEMO_DB`` and ``WW_DEMO_MAIL_DIR`` put the database and the sent e-mails elsewhere (for a
throwaway copy, as scripts/screenshots.py makes).
"""

import os
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "demo-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "example_project",
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
    # CORS answers for the frontend origins in CORS_ALLOWED_ORIGINS (docs/installation.md).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # No LocaleMiddleware: like most municipal sites, the demo is in Swedish whatever language
    # the browser asks for (its content is Swedish). Add it to offer English to visitors.
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "example_project" / "templates"],
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

WSGI_APPLICATION = "example_project.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("WW_DEMO_DB") or BASE_DIR / "db.sqlite3",
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("sv", "Svenska")]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

WAGTAIL_SITE_NAME = "Exempelkommunen"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("sv", "Svenska"), ("en", "English")]
WAGTAIL_USER_TIME_ZONES = ["Europe/Stockholm"]

# Every e-mail the demo sends lands as a file you can open in example_project/sent_mail/.
# Django 6.1 configures e-mail with MAILERS and deprecates EMAIL_BACKEND; older Django has only
# EMAIL_BACKEND.
SENT_MAIL_DIR = os.environ.get("WW_DEMO_MAIL_DIR") or BASE_DIR / "sent_mail"
if django.VERSION >= (6, 1):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": SENT_MAIL_DIR},
        }
    }
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = SENT_MAIL_DIR
DEFAULT_FROM_EMAIL = "Exempelkommunen <webbinarier@example.org>"

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

WAGTAIL_WEBINARS = {
    "BASE_TEMPLATE": "base.html",
}

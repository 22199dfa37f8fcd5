"""tests.settings on the database named by WW_UPGRADE_DB (a file for SQLite, a database name
for PostgreSQL), for the upgrade test's subprocesses."""

import os

from tests.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["WW_UPGRADE_DB"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("WW_DB") == "postgres":
    # As a PostgreSQL host has it: Wagtail's search index needs it for `manage.py` commands,
    # which run the system checks (pytest does not).
    INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres"]  # noqa: F405

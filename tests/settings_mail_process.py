"""Settings of a sender process that a test starts beside itself (``webinars_send_pending_mail``
or a task worker), for the rules of the outbox that must hold across processes: the suite's
settings, plus what the test passes in the environment.

- ``WW_MAIL_SMTP_PORT``: send through SMTP to 127.0.0.1 at this port (a server the test runs).
- ``WW_MAIL_WEBINARS``: JSON merged over ``WAGTAIL_WEBINARS``.

The database is the test's own (``WW_DB=postgres WW_PG_NAME=<the test database>``).
"""

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS, WAGTAIL_WEBINARS

if os.environ.get("WW_DB") == "postgres":
    # As a PostgreSQL host has it: Wagtail 8's search index needs it for `manage.py` commands,
    # which run the system checks (pytest does not).
    INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres"]

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["WW_MAIL_SMTP_PORT"])
EMAIL_TIMEOUT = 120
WAGTAIL_WEBINARS = {**WAGTAIL_WEBINARS, **json.loads(os.environ.get("WW_MAIL_WEBINARS", "{}"))}

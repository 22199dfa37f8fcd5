"""A host site whose registration e-mails go through an RQ queue on Redis and its workers:
tests/settings plus the lines of docs/email.md "On Redis, with RQ" that fit the installed
django-tasks, read from the file and run here as the host pastes them (test_task_backend_rq.py).

WW_TASKS_DB (an SQLite file), WW_TASKS_MAIL_DIR (where the file-based e-mail backend writes) and
REDIS_URL (the docs' own variable: the test's Redis database) come from the test.
"""

import os

from tests.email_docs import docs_block, rq_configuration
from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = list(INSTALLED_APPS)


exec(docs_block("tasks-rq-test", rq_configuration()))  # TASKS, RQ_QUEUES, INSTALLED_APPS

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["WW_TASKS_DB"]}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WW_TASKS_MAIL_DIR"]

"""A host site whose registration e-mails go through a database task queue and its worker:
tests/settings plus the lines of docs/email.md "The tasks backend" that fit the installed
django-tasks, read from the file and run here as the host pastes them (test_task_backends.py).

WW_TASKS_DB (an SQLite file) and WW_TASKS_MAIL_DIR (where the file-based e-mail backend writes)
come from the test.
"""

import importlib.metadata
import os
import re

import django

from tests.settings import *  # noqa: F403
from tests.settings import BASE_DIR, INSTALLED_APPS

INSTALLED_APPS = list(INSTALLED_APPS)


def docs_configuration() -> str:
    """Which of the two configurations docs/email.md shows applies here."""
    if django.VERSION >= (6, 0):
        return "django-tasks-db"
    version = tuple(int(p) for p in importlib.metadata.version("django-tasks").split(".")[:2])
    return "django-tasks-db" if version >= (0, 12) else "django-tasks-0.7"


def docs_block(marker: str) -> str:
    text = (BASE_DIR.parent / "docs" / "email.md").read_text()
    match = re.search(rf"<!-- tasks-db-test: {marker} -->\s*```python\n(.*?)```", text, re.S)
    assert match, f"docs/email.md lost its {marker!r} block"
    return match.group(1)


exec(docs_block(docs_configuration()))  # TASKS and INSTALLED_APPS, exactly as the docs say

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["WW_TASKS_DB"]}
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WW_TASKS_MAIL_DIR"]

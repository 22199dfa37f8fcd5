"""The configurations that docs/email.md shows, read from the file, so that the tests run
exactly what a host pastes: a settings block (``<!-- tasks-rq-test: … -->``) or the cron lines
of the periodic commands (``<!-- commands-test: cron -->``)."""

import importlib.metadata
import re
import shlex
from pathlib import Path

import django

DOCS = Path(__file__).resolve().parents[1] / "docs" / "email.md"


def docs_block(tag: str, marker: str, language: str = "python") -> str:
    """The fenced block of ``language`` after ``<!-- tag: marker -->``."""
    text = DOCS.read_text()
    match = re.search(rf"<!-- {tag}: {re.escape(marker)} -->\s*```{language}\n(.*?)```", text, re.S)
    assert match, f"docs/email.md lost its {tag}: {marker!r} block"
    return match.group(1)


def cron_commands() -> list[list[str]]:
    """The management commands of the cron block, with their arguments, in its order."""
    commands = []
    for line in docs_block("commands-test", "cron", "cron").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = shlex.split(line.split("manage.py", 1)[1])
        commands.append(words)
    return commands


def rq_configuration() -> str:
    """Which of the two RQ configurations docs/email.md shows applies to the installed
    django-tasks: django-tasks-rq needs 0.12 (or Django 6's own tasks framework)."""
    if django.VERSION >= (6, 0):
        return "django-tasks-rq"
    version = tuple(int(p) for p in importlib.metadata.version("django-tasks").split(".")[:2])
    return "django-tasks-rq" if version >= (0, 12) else "django-tasks-0.7"

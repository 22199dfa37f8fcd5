"""The cron lines of docs/email.md "The periodic commands" with the default immediate task
backend (no worker): each command runs, and ``webinars_send_reminders`` sends the reminders that
are due itself, once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tests.clock import START
from tests.email_docs import cron_commands
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, EmailState, RegistrationEmail
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = pytest.mark.django_db


def run_cron(capsys) -> list[str]:
    outputs = []
    for name, *args in cron_commands():
        call_command(name, *args)
        outputs.append(capsys.readouterr().out)
    return outputs


def test_the_docs_cron_lines_are_the_four_periodic_commands():
    assert [command[0] for command in cron_commands()] == [
        "webinars_send_pending_mail",
        "webinars_send_reminders",
        "webinars_purge_personal_data",
        "webinars_feedback_digest",
    ]


def test_with_the_default_backend_the_cron_lines_send_the_due_reminder_once(
    home, frozen, sent, capsys
):
    session = WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(hours=1)
    )
    sent(register, session, RegistrationRequest(name="Anna Berg", email="anna@example.se"))
    mail.outbox.clear()
    frozen.move_to(START - datetime.timedelta(minutes=30))
    first = sent(run_cron, capsys)
    second = sent(run_cron, capsys)
    assert "reminders queued: 1" in first[1]
    assert "reminders queued: 0" in second[1]
    assert [m.subject for m in mail.outbox] == [f"Påminnelse: {session.title}"]
    reminder = RegistrationEmail.objects.get(kind=EmailKind.REMINDER)
    assert reminder.state == EmailState.SENT

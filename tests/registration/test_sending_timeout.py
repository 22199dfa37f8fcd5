"""An e-mail whose sender died after claiming it (a worker killed mid-send) is sent again once
``EMAIL_SENDING_TIMEOUT`` has passed, by the next run, exactly once, and with the Message-ID of
the first attempt, so a receiving server that got the first copy can drop the second."""

import contextlib
import datetime
import email as email_lib
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, EmailState, Registration, RegistrationEmail
from wagtail_webinars.registration.mail import claim, message_id, send_pending

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


@pytest.fixture
def queued(home):
    """A confirmation in the outbox that no worker has sent: the registration and the row that
    ``register()`` writes, without the task it enqueues (the suite's immediate backend would send
    it at once)."""
    session = WebinarSessionPageFactory(parent=home, title="Vattnet i kommunen")
    registration = Registration.objects.create(
        session=session, name="Anna Andersson", email="anna@example.se", email_key="anna@example.se"
    )
    return RegistrationEmail.objects.create(registration=registration, kind=EmailKind.CONFIRMATION)


@pytest.mark.django_db
def test_a_claim_that_ran_out_is_taken_by_the_next_run_once(frozen, queued):
    assert claim(queued.pk)  # a sender took it and was never heard of again
    assert send_pending() == {}
    frozen.shift(datetime.timedelta(seconds=TIMEOUT - 1))
    assert send_pending() == {}
    assert mail.outbox == []
    frozen.shift(datetime.timedelta(seconds=2))
    assert send_pending() == {"sent": 1}
    assert send_pending() == {}
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == message_id(queued)
    row = RegistrationEmail.objects.get(pk=queued.pk)
    assert (row.state, row.attempts, row.next_attempt_at) == (EmailState.SENT, 2, None)


@pytest.mark.django_db
@override_settings(WAGTAIL_WEBINARS={"EMAIL_SENDING_TIMEOUT": 30})
def test_the_timeout_is_a_setting(frozen, queued):
    assert claim(queued.pk)
    frozen.shift(datetime.timedelta(seconds=31))
    assert send_pending() == {"sent": 1}


@pytest.mark.django_db
def test_a_row_claimed_before_claims_had_a_deadline_is_taken_once_it_is_that_old(frozen, queued):
    RegistrationEmail.objects.filter(pk=queued.pk).update(state=EmailState.SENDING, attempts=1)
    assert send_pending() == {}
    frozen.shift(datetime.timedelta(seconds=TIMEOUT + 1))
    assert send_pending() == {"sent": 1}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sender_whose_claim_was_taken_over_changes_nothing(frozen, queued):
    from wagtail_webinars.registration import mail as outbox

    first = outbox.claim_batch([queued.pk], timezone.now())[1]
    frozen.shift(datetime.timedelta(seconds=TIMEOUT + 1))
    assert send_pending() == {"sent": 1}
    # The first sender comes back and records a failure under its old claim: nothing changes.
    mine = RegistrationEmail.objects.filter(state=EmailState.SENDING, next_attempt_at=first)
    row = RegistrationEmail.objects.select_related("registration").get(pk=queued.pk)
    outbox._record_failure(row, TimeoutError("late"), timezone.now(), mine)
    assert RegistrationEmail.objects.get(pk=queued.pk).state == EmailState.SENT


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="tests.registration_mail_backends.TimingOutEmailBackend")
def test_every_attempt_carries_the_same_message_id(frozen, queued, monkeypatch):
    from wagtail_webinars.registration import mail as outbox

    seen = []
    build = outbox.build_message
    monkeypatch.setattr(
        outbox, "build_message", lambda *a, **k: seen.append(build(*a, **k)) or seen[-1]
    )
    assert send_pending() == {"pending": 1}
    frozen.shift(datetime.timedelta(hours=1))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert send_pending() == {"sent": 1}
    first, second = (m.message()["Message-ID"] for m in seen)
    assert first == second == message_id(queued)
    assert first.startswith(f"<wagtail-webinars.{queued.pk}.") and first.endswith("@example.org>")


# ---------------------------------------------------------------------------------------------
# For real: a sender process killed with SIGKILL while the SMTP server holds its message
# ---------------------------------------------------------------------------------------------


class StallingSMTPServer:
    """An SMTP server on loopback that takes a whole message and then never answers its end,
    as a server does when the sender is killed in that moment: ``received`` is set with the
    message's bytes."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.received = threading.Event()
        self.data = b""
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            conn, _ = self.socket.accept()
            self.connections.append(conn)
            reader = conn.makefile("rb")
            conn.sendall(b"220 stalling ESMTP\r\n")
            while line := reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 stalling\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    data = b""
                    while (line := reader.readline()) not in (b".\r\n", b""):
                        data += line
                    self.data = data
                    self.received.set()  # and no "250": the sender waits until it is killed
                else:
                    conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        for conn in self.connections:
            conn.close()
        self.socket.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (WW_DB=postgres): the sender process shares the test database",
)
def test_an_e_mail_whose_sender_was_killed_mid_send_is_sent_by_a_later_run_once(queued):
    import os

    server = StallingSMTPServer()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_mail_process",
        "PYTHONPATH": str(ROOT),
        "WW_DB": "postgres",
        "WW_PG_NAME": connection.settings_dict["NAME"],
        "WW_MAIL_SMTP_PORT": str(server.port),
    }
    sender = subprocess.Popen(
        [sys.executable, "-m", "django", "webinars_send_pending_mail"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.received.wait(60), sender.stderr.read1().decode() if sender.poll() else ""
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        server.close()
        if sender.poll() is None:
            sender.kill()
    first_id = email_lib.message_from_bytes(server.data)["Message-ID"]
    row = RegistrationEmail.objects.get(pk=queued.pk)
    assert row.state == EmailState.SENDING  # claimed, and never written as sent

    assert send_pending() == {}  # the claim has not run out: nobody takes it over
    assert mail.outbox == []
    later = timezone.now() + datetime.timedelta(seconds=TIMEOUT + 1)
    assert send_pending(now=later) == {"sent": 1}
    assert send_pending(now=later) == {}
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == first_id == message_id(row)
    assert RegistrationEmail.objects.get(pk=queued.pk).state == EmailState.SENT


@pytest.mark.django_db
def test_a_long_batch_writes_what_it_has_sent_as_it_goes(frozen, home, monkeypatch):
    from tests.registration.test_mail_batches import a_session
    from tests.registration_mail_backends import SentSoFarEmailBackend
    from wagtail_webinars.registration import mail as outbox

    a_session(home, 3)
    monkeypatch.setattr(outbox, "RECORD_EVERY", -1)  # as if each e-mail took that long
    monkeypatch.setattr(SentSoFarEmailBackend, "seen", [])
    with override_settings(EMAIL_BACKEND="tests.registration_mail_backends.SentSoFarEmailBackend"):
        assert send_pending() == {"sent": 6}
    assert SentSoFarEmailBackend.seen == [0, 1, 2, 3, 4, 5]

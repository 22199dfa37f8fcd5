"""Three runs of ``webinars_send_pending_mail`` that overlap, each on its own database
connection, having all listed the same due e-mails, send each e-mail once: a batch's claim
(``SELECT … FOR UPDATE SKIP LOCKED``, then ``UPDATE``) leaves no row to two runs. Runs on
PostgreSQL (WW_DB=postgres)."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from tests.registration.test_mail_batches import a_session
from wagtail_webinars.models import EmailState, RegistrationEmail
from wagtail_webinars.registration import mail as outbox

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (WW_DB=postgres): SQLite has no concurrent writers",
    ),
]

RUNS = 3


def test_overlapping_runs_send_each_e_mail_once(home, monkeypatch):
    for n in range(2):
        a_session(home, 15, f"Session {n}")
    rows = RegistrationEmail.objects.count()
    # Every run has listed what is due before any of them claims: the overlap to survive.
    barrier = threading.Barrier(RUNS, timeout=30)
    grouped = outbox._send_grouped

    def after_listing(ids, session_of, now):
        barrier.wait()
        return grouped(ids, session_of, now)

    monkeypatch.setattr(outbox, "_send_grouped", after_listing)
    errors, counts = [], []

    def run():
        try:
            counts.append(outbox.send_pending())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors, errors
    assert sum(c.get("sent", 0) for c in counts) == rows == 60
    assert len(mail.outbox) == rows
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == rows
    assert set(RegistrationEmail.objects.values_list("state", "attempts")) == {(EmailState.SENT, 1)}

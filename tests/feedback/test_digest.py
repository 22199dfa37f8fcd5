"""The periodic e-mail of new comments to each page's owner."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tests.clock import NOW
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("agare", "agare@kommun.example", "pw")


def comment(page, text, days_ago):
    Feedback.objects.create(
        page=page, helpful=False, comment=text, created_at=NOW - datetime.timedelta(days=days_ago)
    )


def test_each_owner_gets_the_comments_of_the_last_days_on_their_pages(home, owner):
    page = WebinarSessionPageFactory(parent=home, title="Bygglov", owner=owner)
    comment(page, "Saknade avgifterna", days_ago=2)
    comment(page, "Gammal kommentar", days_ago=10)

    call_command("webinars_feedback_digest", "--days", "7", stdout=None)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agare@kommun.example"]
    assert message.subject == "Besökarnas kommentarer om dina sidor: 1 ny"
    assert "Bygglov" in message.body
    assert "Saknade avgifterna" in message.body
    assert "Gammal kommentar" not in message.body
    assert f"http://testserver/admin/pages/{page.pk}/edit/" in message.body


def test_no_mail_when_there_are_no_new_comments(home, owner):
    page = WebinarSessionPageFactory(parent=home, owner=owner)
    Feedback.objects.create(page=page, helpful=True, created_at=NOW)

    call_command("webinars_feedback_digest", stdout=None)

    assert mail.outbox == []

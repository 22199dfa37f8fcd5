"""The feedback service: what is validated, scrubbed, de-duplicated and stored. (The scrubbing
rules themselves: test_scrub.py.)"""

import datetime

import pytest
from django.test import RequestFactory, override_settings

from tests.clock import NOW
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.services import FeedbackService, get_feedback_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]


def a_request(ip="192.0.2.10", agent="Firefox"):
    return RequestFactory().post(
        "/kalender/webbinarier/feedback/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent
    )


def submit(**data):
    request = data.pop("request", None) or a_request()
    return get_feedback_service().submit(request, data)


# -- what is stored ----------------------------------------------------------------------------


def test_an_answer_about_a_page_stores_page_site_publication_time_answer_and_language(home, frozen):
    session = WebinarSessionPageFactory(parent=home)
    session.save_revision().publish()
    session.refresh_from_db()
    frozen.shift(datetime.timedelta(days=4))
    result = submit(page=session.pk, helpful=True, language="sv")

    feedback = Feedback.objects.get()
    assert result.status == "saved"
    assert feedback.page_id == session.pk
    assert feedback.site_id == home.get_site().pk
    assert feedback.page_published_at == NOW
    assert feedback.helpful is True
    assert feedback.language == "sv"
    assert feedback.created_at == NOW + datetime.timedelta(days=4)


def test_an_answer_about_a_path_that_is_not_a_page_records_the_path_and_the_site(site):
    submit(path="/sok/?q=anna%40example.se", helpful=False)

    feedback = Feedback.objects.get()
    assert feedback.page is None
    assert feedback.path == "/sok/"
    assert feedback.query_string == "q=[e-post]"
    assert feedback.site_id == site.pk


def test_nothing_about_the_visitor_is_stored(home):
    submit(
        page=home.pk, helpful=False, comment="Saknade tider", request=a_request(ip="203.0.113.7")
    )

    row = Feedback.objects.values().get()
    assert "203.0.113.7" not in str(row)
    assert "Firefox" not in str(row)


def test_comments_are_scrubbed_before_they_are_saved(home):
    submit(page=home.pk, helpful=False, comment="Mejla mig på a@b.se eller ring 070-123 45 67")

    assert Feedback.objects.get().comment == "Mejla mig på [e-post] eller ring [telefon]"


@pytest.mark.parametrize("path", ["/sok/anna.berg@example.se/", "/sok/anna.berg%40example.se/"])
def test_email_addresses_in_the_recorded_path_are_replaced(site, path):
    submit(path=path, helpful=False)

    assert Feedback.objects.get().path == "/sok/[e-post]/"


def test_a_path_without_personal_details_is_recorded_as_sent(site):
    submit(path="/s%C3%B6k/2027/05/12/arende-123456/", helpful=False)

    assert Feedback.objects.get().path == "/s%C3%B6k/2027/05/12/arende-123456/"


@pytest.mark.parametrize(
    ("path", "recorded"),
    [
        ("/sok/0701234567/", "/sok/[telefon]/"),
        ("/sok/08-452%2070%2000/", "/sok/[telefon]/"),
        ("/kund/811228-9874/", "/kund/[personnummer]/"),
        ("/kund/198112289875/", "/kund/[personnummer]/"),  # a wrong check digit too
    ],
)
def test_phone_and_personal_identity_numbers_in_the_recorded_path_are_replaced(
    site, path, recorded
):
    submit(path=path, helpful=False)

    assert Feedback.objects.get().path == recorded


# -- validation --------------------------------------------------------------------------------


def test_a_comment_longer_than_1250_characters_is_refused_with_the_text_kept(home):
    text = "a" * 1251
    result = submit(page=home.pk, helpful=False, comment=text)

    assert result.status == "invalid"
    assert result.errors["comment"] == ["Skriv högst 1\u00a0250 tecken. Du har skrivit 1\u00a0251."]
    assert result.comment == text
    assert not Feedback.objects.exists()


def test_a_comment_of_exactly_1250_characters_is_saved(home):
    assert submit(page=home.pk, helpful=False, comment="a" * 1250).status == "saved"


def test_an_answer_needs_a_page_or_a_path(site):
    result = submit(helpful=True)

    assert result.errors == {
        "path": ["Ange vilken sida svaret gäller: ett sid-id eller en sökväg."]
    }


def test_an_unknown_page_is_refused(site):
    assert submit(page=999999, helpful=True).errors == {
        "page": ["Det finns ingen publicerad sida med det id:t."]
    }


def test_an_unpublished_page_is_refused(home):
    draft = WebinarSessionPageFactory(parent=home, live=False)
    assert "page" in submit(page=draft.pk, helpful=True).errors


def test_a_page_unpublished_after_an_answer_is_refused_at_once(home):
    page = WebinarSessionPageFactory(parent=home)
    assert submit(page=page.pk, helpful=True).status == "saved"  # the page is now kept
    page.unpublish()
    assert "page" in submit(page=page.pk, helpful=False).errors


def test_a_page_deleted_after_an_answer_is_refused_at_once(home):
    page = WebinarSessionPageFactory(parent=home)
    page_id = page.pk
    assert submit(page=page_id, helpful=True).status == "saved"
    page.delete()
    assert "page" in submit(page=page_id, helpful=False).errors


def test_an_answer_after_a_new_publication_records_the_new_time(home, frozen):
    page = WebinarSessionPageFactory(parent=home)
    page.save_revision().publish()
    submit(page=page.pk, helpful=True)
    frozen.shift(datetime.timedelta(days=1))
    page.save_revision().publish()
    page.refresh_from_db()
    submit(page=page.pk, helpful=False, request=a_request(ip="192.0.2.11"))
    latest = Feedback.objects.latest("pk")
    assert latest.page_published_at == page.last_published_at


def test_a_path_must_be_a_local_path(site):
    assert "path" in submit(path="https://evil.example/", helpful=True).errors
    assert "path" in submit(path="//evil.example/", helpful=True).errors


@pytest.mark.parametrize("path", ["/\\evil.example/", "/\\/evil.example/", "/\t/evil.example/"])
def test_a_feedback_path_that_browsers_read_as_another_host_is_refused(site, path):
    # The report links each recorded path; "/\evil.example/" is "//evil.example/" to a browser.
    assert "path" in submit(path=path, helpful=True).errors
    assert not Feedback.objects.exists()


def test_the_answer_must_be_yes_or_no(home):
    assert submit(page=home.pk, helpful="kanske").errors == {"helpful": ["Svara ja eller nej."]}


def test_a_comment_after_yes_is_refused_unless_the_site_asks_for_it(home):
    assert "comment" in submit(page=home.pk, helpful=True, comment="Bra").errors


@override_settings(WAGTAIL_WEBINARS={"FEEDBACK_COMMENT_AFTER_YES": True})
def test_a_comment_after_yes_is_saved_when_the_site_asks_for_it(home):
    assert submit(page=home.pk, helpful=True, comment="Bra").status == "saved"


def test_messages_are_in_english_for_english_visitors(home):
    from django.utils import translation

    with translation.override("en"):
        result = submit(page=home.pk, helpful=None)
    assert result.errors == {"helpful": ["Answer yes or no."]}


# -- abuse -------------------------------------------------------------------------------------


def test_a_filled_honeypot_is_thanked_but_not_saved(home):
    result = submit(page=home.pk, helpful=True, website="http://spam.example")

    assert result.ok
    assert not Feedback.objects.exists()


def test_identical_answers_within_a_few_seconds_are_counted_once(home):
    first = submit(page=home.pk, helpful=False)
    second = submit(page=home.pk, helpful=False)

    assert (first.status, second.status) == ("saved", "duplicate")
    assert Feedback.objects.count() == 1


def test_a_repeated_answer_may_still_get_its_comment(home):
    submit(page=home.pk, helpful=False)
    second = submit(page=home.pk, helpful=False)

    get_feedback_service().add_comment(a_request(), second.comment_token, "Saknade adressen")
    assert Feedback.objects.get().comment == "Saknade adressen"


def test_identical_answers_from_two_visitors_are_both_counted(home):
    submit(page=home.pk, helpful=False, request=a_request(ip="192.0.2.1"))
    submit(page=home.pk, helpful=False, request=a_request(ip="192.0.2.2"))

    assert Feedback.objects.count() == 2


# The window is the cache's own expiry; a local cache follows the frozen clock, Redis would not.
def test_the_same_answer_after_the_dedup_window_counts_again(home, local_cache, frozen):
    submit(page=home.pk, helpful=False)
    frozen.shift(datetime.timedelta(seconds=11))
    submit(page=home.pk, helpful=False)

    assert Feedback.objects.count() == 2


@override_settings(WAGTAIL_WEBINARS={"FEEDBACK_RATE_LIMIT": "3/m", "FEEDBACK_DEDUP_SECONDS": 0})
def test_answers_beyond_the_rate_limit_per_ip_are_refused(home):
    statuses = [submit(page=home.pk, helpful=False).status for _ in range(4)]

    assert statuses == ["saved", "saved", "saved", "rate_limited"]


# -- comments that follow an answer ------------------------------------------------------------


def test_a_comment_is_attached_to_the_answer_its_token_names(home):
    answer = submit(page=home.pk, helpful=False)

    result = get_feedback_service().add_comment(a_request(), answer.comment_token, "Saknade tid")

    assert result.status == "saved"
    assert Feedback.objects.get().comment == "Saknade tid"


def test_a_comment_token_adds_one_comment_only(home):
    answer = submit(page=home.pk, helpful=False)
    service = get_feedback_service()
    service.add_comment(a_request(), answer.comment_token, "Första")
    service.add_comment(a_request(), answer.comment_token, "Andra")

    assert Feedback.objects.get().comment == "Första"


def test_a_yes_gets_no_comment_token_unless_the_site_asks_for_comments_after_yes(home):
    assert submit(page=home.pk, helpful=True).comment_token == ""


def test_an_expired_comment_token_is_refused_with_the_comment_kept(home, frozen):
    answer = submit(page=home.pk, helpful=False)
    frozen.shift(datetime.timedelta(hours=2))
    result = get_feedback_service().add_comment(a_request(), answer.comment_token, "Text")

    assert result.status == "invalid"
    assert result.comment == "Text"
    assert Feedback.objects.get().comment == ""


class CountingService(FeedbackService):
    saved = 0

    def save(self, fields):
        CountingService.saved += 1
        return super().save(fields)


@override_settings(
    WAGTAIL_WEBINARS={"FEEDBACK_SERVICE": "tests.feedback.test_services.CountingService"}
)
def test_a_site_can_replace_the_service(home):
    submit(page=home.pk, helpful=True)
    assert CountingService.saved == 1

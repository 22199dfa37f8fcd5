"""Properties of feedback for any input (Hypothesis): whatever a visitor sends to the JSON
endpoint, the widget's form or the service (answers and comments added later), the answer is
one of ours (never a 5xx), nothing is half-written, nothing stored holds a character the text
rule refuses or a detail the scrubber takes out, and the report exports to CSV and XLSX.

Example counts are the Hypothesis profile in tests/strategies.py ("ci": 60 per test)."""

import csv
import io
import json

import pytest
from django.test import RequestFactory, override_settings
from hypothesis import event, given, strategies as st
from openpyxl import load_workbook

from tests.factories import WebinarSessionPageFactory
from tests.strategies import form_text, json_values, perturbed, texts
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.scrub import scrub_text
from wagtail_webinars.feedback.services import get_feedback_service
from wagtail_webinars.text import is_multiline, is_single_line

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("own_cache"),
    pytest.mark.filterwarnings("ignore"),
]

NO_LIMITS = {"FEEDBACK_RATE_LIMIT": None, "FEEDBACK_DEDUP_SECONDS": 0}
API_URL = "/kalender/webbinarier/api/feedback/"
FORM_URL = "/kalender/webbinarier/feedback/"
REPORT = "/admin/webinars/feedback/report/"
STATUSES = {"saved", "duplicate", "ignored", "invalid", "rate_limited"}

comments = st.sampled_from(
    ["", "Saknade tiden", "Rad ett\nrad två", "Mejla anna at kommun dot se eller 070-123 45 67"]
)
paths = st.sampled_from(["/sida/", "/sok/?q=anna%40kommun.se", "/kund/811228-9874/", "/"])


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def assert_storable(feedback: Feedback) -> None:
    assert is_multiline(feedback.comment)
    assert scrub_text(feedback.comment) == feedback.comment  # nothing left to scrub
    assert is_single_line(feedback.path)
    assert is_single_line(feedback.query_string)


def assert_the_report_exports(admin_client) -> None:
    groups = {
        (row["page"], "" if row["page"] else row["path"])
        for row in Feedback.objects.values("page", "path")
    }
    xlsx = admin_client.get(REPORT, {"export": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert len(rows) == 1 + len(groups)
    response = admin_client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(content)))) == 1 + len(groups)


@override_settings(WAGTAIL_WEBINARS=NO_LIMITS)
def test_any_json_body_is_answered_by_us(client, admin_client, session, site):
    valid = {"page": session.pk, "helpful": False, "comment": "Saknade tiden"}
    good = {
        "page": st.sampled_from([session.pk, str(session.pk), None]),
        "path": paths,
        "helpful": st.booleans(),
        "comment": comments,
        "language": st.sampled_from(["sv", "en"]),
        "website": st.just(""),
    }
    seen = set()

    @given(
        body=perturbed(
            valid, good, anything=st.dictionaries(st.text(max_size=12), json_values, max_size=6)
        )
    )
    def post_anything(body):
        before = Feedback.objects.count()
        response = client.post(API_URL, json.dumps(body), content_type="application/json")
        assert response.status_code in (201, 400), response.content
        assert response["Content-Type"].startswith("application/json")
        added = Feedback.objects.count() - before
        assert added == (1 if response.status_code == 201 and not body.get("website") else 0)
        seen.add(response.status_code)

    post_anything()
    assert seen == {201, 400}
    for feedback in Feedback.objects.all():
        assert_storable(feedback)
    assert_the_report_exports(admin_client)


@override_settings(WAGTAIL_WEBINARS={**NO_LIMITS, "FEEDBACK_COMMENT_AFTER_YES": True})
def test_any_form_post_is_answered_by_our_page(client, admin_client, session, site):
    values = st.one_of(form_text, st.lists(form_text, max_size=3))
    valid = {"page": str(session.pk), "helpful": "no", "comment": "Saknade tiden", "next": "/"}
    good = {
        "helpful": st.sampled_from(["yes", "no"]),
        "path": paths,
        "comment": comments,
        "fragment": st.sampled_from(["", "1"]),
        "language": st.sampled_from(["sv", "en"]),
        "token": st.sampled_from(["", "ogiltig"]),
    }
    seen = set()

    @given(data=perturbed(valid, good, bad=values))
    def post_anything(data):
        before = Feedback.objects.count()
        response = client.post(FORM_URL, data)
        assert response.status_code in (200, 303, 400), response.content[:500]
        if response.status_code == 400:
            assert Feedback.objects.count() == before
        seen.add(response.status_code)

    post_anything()
    assert {303, 400} <= seen
    for feedback in Feedback.objects.all():
        assert_storable(feedback)
    assert_the_report_exports(admin_client)


SERVICE_GOOD = {
    "path": paths,
    "helpful": st.booleans(),
    "comment": comments,
    "language": st.sampled_from(["sv", "en", ""]),
}


@override_settings(WAGTAIL_WEBINARS={**NO_LIMITS, "FEEDBACK_COMMENT_AFTER_YES": True})
@given(
    data=perturbed(
        {"path": "/sida/", "helpful": False, "comment": ""},
        SERVICE_GOOD,
        bad=st.one_of(json_values, texts),
        anything=st.dictionaries(
            st.sampled_from(["page", "path", "helpful", "comment", "website", "language"]),
            st.one_of(json_values, texts),
        ),
    ),
    later_comment=st.one_of(json_values, texts, comments),
)
def test_the_service_answers_anything_with_a_result(session, site, data, later_comment):
    service = get_feedback_service()
    request = RequestFactory().post(FORM_URL, REMOTE_ADDR="192.0.2.10")
    before = Feedback.objects.count()
    result = service.submit(request, data)
    assert result.status in STATUSES
    assert Feedback.objects.count() - before == (1 if result.status == "saved" else 0)
    event(result.status)
    if result.comment_token:
        later = service.add_comment(request, result.comment_token, later_comment)
        assert later.status in STATUSES
    for feedback in Feedback.objects.all():
        assert_storable(feedback)

"""The registration rules of services.py: open and closed, capacity, waiting list, duplicates,
further participants, cancellation and promotion, series and their own registration window."""

import contextlib
import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.clock import NOW, START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import (
    EmailKind,
    QuestionType,
    Registration,
    RegistrationEmail,
    RegistrationQuestion,
    RegistrationStatus,
)
from wagtail_webinars.registration.mail import send_pending
from wagtail_webinars.registration.presentation import registration_context
from wagtail_webinars.registration.services import (
    RegistrationClosed,
    RegistrationFull,
    RegistrationRequest,
    cancel_registration,
    get_questions,
    get_registration_by_token,
    register,
    register_for_series,
    registration_state,
    session_row_lock,
)


def request(n=1, **kwargs):
    values = dict(
        name=f"Deltagare {n}",
        email=f"deltagare{n}@kommun.example",
        organisation="Kiruna kommun",
        municipality_code="2584",
        consent_text="Jag godkänner att mina uppgifter sparas.",
    )
    values.update(kwargs)
    return RegistrationRequest(**values)


@pytest.fixture
def session(home, frozen):
    return WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(minutes=90)
    )


def kinds(registration):
    return list(registration.emails.order_by("pk").values_list("kind", flat=True))


def status(registration):
    registration.refresh_from_db()
    return registration.status


# --- open and closed ------------------------------------------------------------------------


def test_session_without_capacity_is_open_with_no_limit(session):
    state = registration_state(session)
    assert (state.is_open, state.reason_code, state.places_left) == (True, None, None)


def test_registration_confirms_and_stores_the_accepted_consent_text(session):
    outcome = register(session, request())
    assert outcome.status == "confirmed"
    assert outcome.registration.consent_text == "Jag godkänner att mina uppgifter sparas."
    assert outcome.registration.municipality_code == "2584"


def test_registration_is_closed_before_it_opens_and_says_when(session):
    session.registration_opens_at = datetime.datetime(2027, 3, 5, 7, 0, tzinfo=datetime.UTC)
    state = registration_state(session)
    assert (state.is_open, state.reason_code) == (False, "not_yet_open")
    assert "5 mars 2027" in state.message
    with pytest.raises(RegistrationClosed) as caught:
        register(session, request())
    assert caught.value.code == "closed"


def test_not_yet_open_message_writes_the_swedish_kl(session):
    session.registration_opens_at = datetime.datetime(2027, 3, 5, 7, 0, tzinfo=datetime.UTC)
    with translation.override("sv"):
        assert registration_state(session).message == "Anmälan öppnar fredag 5 mars 2027 kl. 08.00."


def test_registration_closes_at_the_editors_time(session):
    session.registration_closes_at = NOW - datetime.timedelta(minutes=1)
    assert registration_state(session).reason_code == "closed"


def test_registration_closes_when_the_session_starts(session):
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
        state = registration_state(session)
        assert (state.is_open, state.reason_code) == (False, "started")
        with pytest.raises(RegistrationClosed):
            register(session, request())


def test_registration_closes_when_the_session_is_over(session):
    state = registration_state(session, now=START + datetime.timedelta(hours=3))
    assert state.reason_code == "ended"


def test_registration_closes_when_the_session_is_cancelled(session):
    session.status = "cancelled"
    assert registration_state(session).reason_code == "cancelled"


def test_registration_is_closed_when_the_editor_turns_it_off(session):
    session.registration_enabled = False
    assert registration_state(session).reason_code == "disabled"


def test_closed_message_is_in_the_visitors_language(session):
    session.status = "cancelled"
    session.save()
    with pytest.raises(RegistrationClosed) as swedish:
        register(session, request(language="sv"))
    with pytest.raises(RegistrationClosed) as english:
        register(session, request(language="en"))
    assert "inställt" in swedish.value.message
    assert english.value.message == "Registration is closed because the webinar is cancelled."


# --- capacity and waiting list --------------------------------------------------------------


def test_registration_beyond_capacity_goes_on_the_waiting_list(session):
    session.registration_capacity = 1
    session.save()
    assert register(session, request(1)).status == "confirmed"
    outcome = register(session, request(2))
    assert outcome.status == "waitlisted"
    assert kinds(outcome.registration) == [EmailKind.WAITLISTED]


def test_full_session_without_waiting_list_refuses(session):
    session.registration_capacity = 1
    session.registration_waitlist = False
    session.save()
    register(session, request(1))
    assert registration_state(session).reason_code == "full"
    with pytest.raises(RegistrationFull) as caught:
        register(session, request(2))
    assert caught.value.code == "full"
    assert Registration.objects.count() == 1


def test_further_participants_take_places(session):
    session.registration_capacity = 3
    session.registration_waitlist = False
    session.save()
    outcome = register(session, request(1, participants=["Anna Andersson", "Bo Berg"]))
    assert outcome.registration.places == 3
    assert registration_state(session).places_left == 0


def test_a_group_larger_than_the_places_left_is_told_how_many_are_left(session):
    session.registration_capacity = 2
    session.registration_waitlist = False
    session.save()
    with pytest.raises(RegistrationFull) as caught:
        register(session, request(1, participants=["A", "B"], language="en"))
    assert "Only 2 places are left" in caught.value.message


def test_places_freed_by_a_capacity_raise_go_to_those_waiting_before_a_newcomer(session):
    session.registration_capacity = 1
    session.save()
    register(session, request(1))
    waiting = register(session, request(2)).registration
    # Raised without a publish (code, a data migration): the next registration still serves
    # the waiting list first.
    session.registration_capacity = 2
    session.save()

    newcomer = register(session, request(3))

    assert status(waiting) == RegistrationStatus.CONFIRMED
    assert newcomer.status == "waitlisted"


def test_page_offers_the_waiting_list_while_an_earlier_group_waits_for_free_places(session):
    session.registration_capacity = 2
    session.save()
    register(session, request(1, participants=["X"]))  # 2 places
    group = register(session, request(2, participants=["Y", "Z"])).registration  # 3, waits
    session.registration_capacity = 3  # 1 place free: not enough for the group of 3
    session.save()

    state = registration_state(session)
    outcome = register(session, request(3))

    assert status(group) == RegistrationStatus.WAITLISTED
    assert (state.is_open, state.waitlist_open) == (True, True)
    assert outcome.status == "waitlisted"


def test_page_says_in_swedish_that_others_wait_for_the_free_places(session):
    session.registration_capacity = 2
    session.save()
    register(session, request(1, participants=["X"]))
    register(session, request(2, participants=["Y", "Z"]))
    session.registration_capacity = 3
    session.save()
    with translation.override("sv"):
        assert registration_state(session).message == (
            "Andra väntar på de lediga platserna. Du kan anmäla dig till väntelistan."
        )


def test_series_capacity_applies_to_a_session_without_its_own(home, frozen):
    series = WebinarSeriesPageFactory(parent=home, registration_capacity=1)
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    register(session, request(1))
    assert register(session, request(2)).status == "waitlisted"


# --- one place per address ------------------------------------------------------------------


def test_same_email_in_other_case_is_a_duplicate_and_the_confirmation_is_sent_again(session):
    first = register(session, request(1, email="Anna@Kommun.example")).registration
    again = register(session, request(2, email="anna@kommun.EXAMPLE"))
    assert (again.is_duplicate, again.status, again.registration) == (True, "confirmed", first)
    assert Registration.objects.count() == 1
    assert kinds(first) == [EmailKind.CONFIRMATION, EmailKind.CONFIRMATION]


def test_a_cancelled_registration_frees_the_address(session):
    first = register(session, request(1)).registration
    cancel_registration(first.token)
    assert register(session, request(1)).status == "confirmed"


# --- input the form should have refused -----------------------------------------------------


def test_unknown_municipality_code_is_refused(session):
    with pytest.raises(ValidationError) as caught:
        register(session, request(municipality_code="9999"))
    assert "municipality_code" in caught.value.message_dict


def test_other_organisation_is_allowed(session):
    assert register(session, request(municipality_code="other")).status == "confirmed"


def test_a_line_break_in_the_name_is_refused_not_flattened(session):
    # The text rule (text.py) refuses with a message rather than guessing what was meant.
    with pytest.raises(ValidationError) as error:
        register(session, request(name="Anna\r\nBcc: evil@example.org"))
    assert list(error.value.message_dict) == ["name"]
    assert not Registration.objects.exists()


def test_a_multi_line_answer_with_a_tab_and_no_line_break_is_kept(session):
    # The form's multi-line field takes a tab; the service judged "0\t0" by the one-line rule
    # (no line break in it) and refused what the form had accepted: a 500 on the HTML form.
    outcome = register(session, request(answers={"motivering": "0\t0"}))
    assert outcome.registration.answers == {"motivering": "0\t0"}


def test_a_control_character_in_an_answer_is_still_refused(session):
    with pytest.raises(ValidationError) as error:
        register(session, request(answers={"motivering": "0\t0\x07"}))
    assert list(error.value.message_dict) == ["answers"]


# --- cancellation ---------------------------------------------------------------------------


def test_only_a_hash_of_the_cancel_token_is_stored(session):
    registration = register(session, request()).registration
    token = registration.token
    assert len(token) == 64
    stored = Registration.objects.filter(pk=registration.pk).values()[0]
    assert token not in [str(value) for value in stored.values()]
    assert get_registration_by_token(token) == registration
    assert (
        get_registration_by_token(token[:-1] + "0" if token[-1] != "0" else token[:-1] + "1")
        is None
    )


def test_cancelling_promotes_the_first_on_the_waiting_list_and_emails_them(session):
    session.registration_capacity = 1
    session.save()
    holder = register(session, request(1)).registration
    first_waiting = register(session, request(2)).registration
    second_waiting = register(session, request(3)).registration
    cancel_registration(holder.token)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert second_waiting.status == RegistrationStatus.WAITLISTED
    assert kinds(first_waiting) == [EmailKind.WAITLISTED, EmailKind.PROMOTED]
    assert kinds(holder) == [EmailKind.CONFIRMATION, EmailKind.CANCELLED]


def test_promotion_keeps_the_order_of_the_waiting_list(session):
    session.registration_capacity = 2
    session.save()
    holder = register(session, request(1, participants=["X"])).registration
    group = register(session, request(2, participants=["Y", "Z"])).registration  # 3 places
    single = register(session, request(3)).registration
    cancel_registration(holder.token)  # 2 places free: the group of 3 is first and does not fit
    group.refresh_from_db()
    single.refresh_from_db()
    assert (group.status, single.status) == ("waitlisted", "waitlisted")


def test_cancelling_twice_sends_one_cancellation(session):
    registration = register(session, request()).registration
    cancel_registration(registration.token)
    cancel_registration(registration.token)
    assert kinds(registration).count(EmailKind.CANCELLED) == 1


def test_unknown_cancel_token_raises_does_not_exist(session):
    with pytest.raises(Registration.DoesNotExist):
        cancel_registration("0" * 64)


# --- questions and series -------------------------------------------------------------------


def test_questions_come_from_the_series_when_the_session_has_none(home, frozen):
    series = WebinarSeriesPageFactory(parent=home)
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    RegistrationQuestion.objects.create(
        page=series, label="Vilken förvaltning?", field_type=QuestionType.SINGLELINE
    )
    assert [q.clean_name for q in get_questions(session)] == ["vilken_forvaltning"]
    RegistrationQuestion.objects.create(
        page=session, label="Antal år?", field_type=QuestionType.NUMBER
    )
    assert [q.label for q in get_questions(session)] == ["Antal år?"]


def test_questions_of_a_parent_that_is_not_a_series_are_not_asked(session, home):
    RegistrationQuestion.objects.create(
        page=home, label="Vilken förvaltning?", field_type=QuestionType.SINGLELINE
    )
    assert get_questions(session) == []


def test_questions_of_session_and_series_take_one_query(home, frozen, django_assert_num_queries):
    series = WebinarSeriesPageFactory(parent=home)
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    RegistrationQuestion.objects.create(
        page=session, label="Antal år?", field_type=QuestionType.NUMBER
    )
    with django_assert_num_queries(1):
        assert [q.label for q in get_questions(session)] == ["Antal år?"]


def test_series_registration_decides_each_date_on_its_own(home, frozen):
    series = WebinarSeriesPageFactory(parent=home)
    open_one = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    full_one = WebinarSessionPageFactory(
        parent=series,
        start=START + datetime.timedelta(days=28),
        end=START + datetime.timedelta(days=28, hours=1),
        registration_capacity=0,
        registration_waitlist=False,
    )
    results = register_for_series(series, [open_one, full_one], request())
    assert results[0].status == "confirmed"
    assert isinstance(results[1], RegistrationFull)


def test_series_registration_refuses_a_session_of_another_series(home, frozen):
    series = WebinarSeriesPageFactory(parent=home)
    stranger = WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(hours=1)
    )
    [result] = register_for_series(series, [stranger], request())
    assert isinstance(result, RegistrationClosed)


@pytest.fixture
def series(home, frozen):
    series = WebinarSeriesPageFactory(parent=home)
    WebinarSessionPageFactory(parent=series, start=START, end=START + datetime.timedelta(hours=1))
    return series


def test_series_form_is_closed_and_says_when_before_the_series_window_opens(series):
    series.registration_opens_at = datetime.datetime(2027, 3, 5, 7, 0, tzinfo=datetime.UTC)
    series.save()
    with translation.override("sv"):
        context = registration_context(series, with_form=False)
    [result] = register_for_series(series, [series.get_sessions()[0][0]], request())

    assert context["open"] is False
    assert context["message"] == "Anmälan öppnar fredag 5 mars 2027 kl. 08.00."
    assert isinstance(result, RegistrationClosed)
    assert result.message == context["message"]


def test_series_form_is_closed_after_the_series_window_closes(series):
    series.registration_closes_at = NOW - datetime.timedelta(minutes=1)
    series.save()
    with translation.override("sv"):
        context = registration_context(series, with_form=False)
    [result] = register_for_series(series, [series.get_sessions()[0][0]], request())

    assert (context["open"], context["message"]) == (False, "Anmälan har stängt.")
    assert isinstance(result, RegistrationClosed)
    assert not Registration.objects.exists()


# --- e-mail after commit --------------------------------------------------------------------


def test_confirmation_is_sent_only_after_the_transaction_commits(
    session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = register(session, request()).registration
    assert mail.outbox == []
    # Written claimed for the send at commit (the immediate backend sends in this process):
    # no other sender takes it meanwhile.
    row = registration.emails.get()
    assert (row.state, row.attempts) == ("sending", 1)
    assert send_pending() == {}
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the backport defers once more
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 1
    assert registration.emails.get().state == "sent"


# --- what runs under the lock ---------------------------------------------------------------


def statements_under_the_lock(session, data):
    under_lock = []

    @contextlib.contextmanager
    def watched_lock(locked_session):
        with session_row_lock(locked_session), CaptureQueriesContext(connection) as queries:
            yield
        under_lock.extend(q["sql"] for q in queries.captured_queries)

    outcome = register(session, data, lock=watched_lock)
    return outcome, under_lock


def test_under_the_lock_runs_only_the_count(session):
    # The lock serialises every registration for a session: whatever runs under it bounds how
    # many registrations per second one session can take. The rows are written before it.
    session.registration_capacity = 10
    session.save()
    outcome, under_lock = statements_under_the_lock(session, request())

    if connection.vendor == "postgresql":
        # The session's row of SessionPlaces, its triggers run first (migration 0012).
        assert [sql.split()[0] for sql in under_lock] == ["SET", "SELECT"]
        assert "wagtail_webinars_sessionplaces" in under_lock[1]
    else:
        assert [sql.split()[0] for sql in under_lock] == ["SELECT"]
        assert "wagtail_webinars_registration" in under_lock[0]
    assert outcome.status == "confirmed"
    assert kinds(outcome.registration) == [EmailKind.CONFIRMATION]


def test_a_registration_the_count_puts_on_the_waiting_list_is_changed_under_the_lock(session):
    session.registration_capacity = 1
    session.save()
    register(session, request(1))
    outcome, under_lock = statements_under_the_lock(session, request(2))

    counting = ["SET", "SELECT"] if connection.vendor == "postgresql" else ["SELECT"]
    assert [sql.split()[0] for sql in under_lock] == [*counting, "UPDATE", "UPDATE"]
    assert (outcome.status, status(outcome.registration)) == ("waitlisted", "waitlisted")
    assert kinds(outcome.registration) == [EmailKind.WAITLISTED]


def test_a_refused_registration_leaves_no_row_and_no_email(session):
    session.registration_capacity = 1
    session.registration_waitlist = False
    session.save()
    register(session, request(1))
    with pytest.raises(RegistrationFull):
        register(session, request(2))
    assert list(Registration.objects.values_list("email", flat=True)) == [
        "deltagare1@kommun.example"
    ]
    assert RegistrationEmail.objects.count() == 1


def test_a_capacity_raise_promotes_a_waiting_group_as_if_the_newcomer_were_not_there(session):
    # The newcomer's row is written before the count: its place must not keep the group, who
    # waited first, from the two places now free.
    session.registration_capacity = 1
    session.save()
    register(session, request(1))
    group = register(session, request(2, participants=["Y"])).registration  # 2 places, waits
    session.registration_capacity = 3
    session.save()

    newcomer = register(session, request(3))

    assert status(group) == RegistrationStatus.CONFIRMED
    assert newcomer.status == "waitlisted"
    assert status(newcomer.registration) == "waitlisted"


def test_the_session_lock_locks_only_the_sessions_row(session):
    with (
        transaction.atomic(),
        CaptureQueriesContext(connection) as queries,
        session_row_lock(session) as locked,
    ):
        assert locked is session
    [sql] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert "wagtailcore_page" not in sql


def test_an_address_longer_than_its_column_is_refused_not_a_database_error(session):
    # Valid syntax (labels of 60), 309 characters: the validator passes it, PostgreSQL would not.
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".se"
    with pytest.raises(ValidationError) as error:
        register(session, RegistrationRequest(name="Anna", email=email))
    assert "email" in error.value.message_dict
    assert not Registration.objects.exists()

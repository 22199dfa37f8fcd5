"""The registration form: what it accepts, what it refuses and how it says so."""

import pytest
from django.test import override_settings
from django.utils import translation

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import QuestionType, RegistrationQuestion
from wagtail_webinars.registration.forms import RegistrationForm
from wagtail_webinars.registration.services import RegistrationRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def valid_data(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": "",
        "question_to_speaker": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def question(clean_name, field_type, **kwargs):
    kwargs.setdefault("label", clean_name.capitalize())
    return RegistrationQuestion(clean_name=clean_name, field_type=field_type, **kwargs)


def form_for(session, data=None, **kwargs):
    return RegistrationForm(data, page=session, **kwargs)


def test_valid_form_becomes_the_services_registration_request(session):
    form = form_for(session, valid_data(participants="Anna-Lena Pogulis\n\nPer Persson\n"))
    assert form.is_valid(), form.errors
    assert form.get_registration_request() == RegistrationRequest(
        name="Lena Lindgren",
        email="lena@kiruna.example",
        organisation="Kiruna kommun",
        municipality_code="2584",
        participants=["Anna-Lena Pogulis", "Per Persson"],
        answers={},
        question_to_speaker="",
        consent_text=form.consent_text,
        language="sv",
    )


@pytest.mark.parametrize("field", ["name", "organisation"])
def test_line_break_in_a_one_line_field_is_refused(session, field):
    form = form_for(session, valid_data(**{field: "Lena\r\nBcc: spam@example.org"}))
    assert not form.is_valid()
    assert form.errors[field] == ["Skriv på en rad, utan radbrytningar eller specialtecken."]


@pytest.mark.parametrize("value", ["Lena\u2028Lindgren", "Lena\x00Lindgren", "Lena\u202eLindgren"])
def test_line_separators_and_control_characters_in_a_name_are_still_refused(session, value):
    assert "name" in form_for(session, valid_data(name=value)).errors


def test_no_break_and_thin_spaces_pasted_into_the_form_are_accepted_as_spaces(session):
    # Copied from a web page or a Word document: "Region\u00a0Skåne", "Anna\u2009Berg".
    form = form_for(
        session,
        valid_data(
            name="Lena\u00a0Lindgren",
            organisation="Region\u00a0Skåne",
            participants="Anna\u2009Berg\nPer\u00a0Persson",
            question_to_speaker="Hur\u00a0bemöter man ett drev?\nOch sedan?",
        ),
    )

    assert form.is_valid(), form.errors
    request = form.get_registration_request()
    assert request.name == "Lena Lindgren"
    assert request.organisation == "Region Skåne"
    assert request.participants == ["Anna Berg", "Per Persson"]
    assert request.question_to_speaker == "Hur bemöter man ett drev?\nOch sedan?"


def test_header_injection_in_the_email_address_is_refused(session):
    form = form_for(session, valid_data(email="lena@kiruna.example\nBcc: spam@example.org"))
    assert not form.is_valid()
    assert "email" in form.errors


def test_line_break_in_a_further_participant_is_split_into_names_not_passed_on(session):
    form = form_for(session, valid_data(participants=["Anna\nBcc: x@example.org"]))
    assert not form.is_valid()
    assert form.errors["participants"] == ["Skriv ett namn per rad, utan specialtecken."]


@pytest.mark.parametrize(
    ("field", "length"),
    [("name", 201), ("organisation", 201), ("question_to_speaker", 1001)],
)
def test_every_text_field_has_a_length_limit(session, field, length):
    form = form_for(session, valid_data(**{field: "a" * length}))
    assert not form.is_valid()
    assert field in form.errors


def test_email_longer_than_the_standard_allows_is_refused(session):
    form = form_for(session, valid_data(email="a" * 250 + "@kiruna.example"))
    assert not form.is_valid()
    assert "email" in form.errors


@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_MAX_PARTICIPANTS": 2})
def test_more_further_participants_than_allowed_are_refused(session):
    form = form_for(session, valid_data(participants="A\nB\nC"))
    assert not form.is_valid()
    assert form.errors["participants"] == ["Du kan ange högst 2 fler deltagare."]


def test_further_participants_come_as_a_list_in_json(session):
    form = form_for(session, valid_data(participants=["Anna-Lena Pogulis", " Per "]))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["participants"] == ["Anna-Lena Pogulis", "Per"]


def test_further_participants_that_are_not_names_are_refused(session):
    form = form_for(session, valid_data(participants=[1, 2]))
    assert not form.is_valid()
    assert "participants" in form.errors


def test_municipality_must_come_from_the_official_list(session):
    form = form_for(session, valid_data(municipality_code="9999"))
    assert not form.is_valid()
    assert "municipality_code" in form.errors


@pytest.mark.parametrize("code", [" 0180", "0180 ", "Stockholm", "2584\x00", "9999"])
def test_what_is_no_code_of_the_list_is_refused_by_the_field_itself(code):
    field = RegistrationForm.base_fields["municipality_code"]
    assert not field.valid_value(code)


def test_a_form_that_sets_its_own_choices_is_checked_against_them(session):
    form = form_for(session, valid_data(municipality_code="X1"))
    form.fields["municipality_code"].choices = [("X1", "Egen organisation")]
    assert form.fields["municipality_code"].valid_value("X1")
    assert not form.fields["municipality_code"].valid_value("0180")


@pytest.mark.parametrize("code", ["other", "25", "0180"])
def test_other_organisation_regions_and_municipalities_are_accepted(session, code):
    assert form_for(session, valid_data(municipality_code=code)).is_valid()


def test_registration_needs_consent(session):
    form = form_for(session, valid_data(consent=""))
    assert not form.is_valid()
    assert form.errors["consent"] == ["Du behöver godkänna innan du kan anmäla dig."]


@override_settings(
    WAGTAIL_WEBINARS={"REGISTRATION_CONSENT_TEXT": "Jag godkänner Testkommunens villkor."}
)
def test_consent_text_comes_from_the_settings_and_is_passed_on(session):
    form = form_for(session, valid_data())
    assert form.is_valid()
    assert form.fields["consent"].label == "Jag godkänner Testkommunens villkor."
    assert form.get_registration_request().consent_text == "Jag godkänner Testkommunens villkor."


def test_filled_honeypot_is_refused_and_emptied_so_a_person_can_send_again(session):
    form = form_for(session, valid_data(ww_website="http://spam.example"))
    assert not form.is_valid()
    assert form.non_field_errors()
    assert form["ww_website"].value() == ""
    assert form["name"].value() == "Lena Lindgren"


def test_editor_questions_become_fields_by_type(session):
    questions = [
        question("role", QuestionType.SINGLELINE),
        question("why", QuestionType.MULTILINE),
        question("meal", QuestionType.DROPDOWN, choices="Kött\nVegetariskt"),
        question("topics", QuestionType.CHECKBOXES, choices="Drev\nTroll"),
        question("count", QuestionType.NUMBER),
    ]
    form = form_for(session, questions=questions)
    fields = {name: type(form.fields[name]).__name__ for name in form.answer_field_names}
    assert fields == {
        "answer_role": "SingleLineField",
        "answer_why": "MultiLineField",
        "answer_meal": "ChoiceField",
        "answer_topics": "MultipleChoiceField",
        "answer_count": "DecimalField",
    }


def test_answers_are_keyed_by_the_questions_clean_name(session):
    questions = [
        question("topics", QuestionType.CHECKBOXES, choices="Drev\nTroll"),
        question("count", QuestionType.NUMBER),
    ]
    data = valid_data()
    data.update({"answer_topics": ["Troll"], "answer_count": "3"})
    form = form_for(session, data, questions=questions)
    assert form.is_valid(), form.errors
    assert form.get_registration_request().answers == {"topics": ["Troll"], "count": 3}


def test_required_question_left_empty_is_an_error_at_that_question(session):
    form = form_for(
        session, valid_data(), questions=[question("role", QuestionType.SINGLELINE, required=True)]
    )
    assert not form.is_valid()
    assert form.errors["answer_role"] == ["Svara på frågan ”Role”."]


def test_answer_outside_the_editors_choices_is_refused(session):
    questions = [question("meal", QuestionType.DROPDOWN, choices="Kött\nVegetariskt")]
    form = form_for(session, valid_data(answer_meal="Fisk"), questions=questions)
    assert not form.is_valid()
    assert "answer_meal" in form.errors


def test_unknown_question_type_names_the_missing_builder_method(session):
    with pytest.raises(AttributeError, match="create_date_field"):
        form_for(session, questions=[question("when", "date")])


def test_json_answers_are_flattened_into_the_form(session):
    data = RegistrationForm.data_from_json(
        {**valid_data(), "consent": True, "answers": {"role": "Ordförande"}}
    )
    form = form_for(session, data, questions=[question("role", QuestionType.SINGLELINE)])
    assert form.is_valid(), form.errors
    assert form.get_registration_request().answers == {"role": "Ordförande"}


def test_series_form_ticks_every_open_date_by_default(home):
    first = WebinarSessionPageFactory(parent=home)
    second = WebinarSessionPageFactory(parent=home)
    form = RegistrationForm(page=first, sessions=[first, second])
    assert form["sessions"].value() == [first.pk, second.pk]


def test_series_form_needs_at_least_one_date(home):
    first = WebinarSessionPageFactory(parent=home)
    form = RegistrationForm(valid_data(), page=first, sessions=[first])
    assert not form.is_valid()
    assert form.errors["sessions"] == ["Välj minst ett datum."]


def test_series_form_refuses_a_date_it_does_not_offer(home):
    first = WebinarSessionPageFactory(parent=home)
    other = WebinarSessionPageFactory(parent=home)
    form = RegistrationForm(valid_data(sessions=[str(other.pk)]), page=first, sessions=[first])
    assert not form.is_valid()
    assert "sessions" in form.errors


def test_messages_are_in_english_for_english_visitors(session):
    with translation.override("en"):
        form = form_for(session, valid_data(consent=""), language="en")
        assert not form.is_valid()
        assert form.errors["consent"] == ["You need to agree before you can register."]


def test_field_with_an_error_is_marked_invalid_and_described_by_its_message(session):
    form = form_for(session, valid_data(name=""))
    form.is_valid()
    html = str(form["name"])
    assert 'aria-invalid="true"' in html
    assert f'aria-describedby="{form["name"].auto_id}_error"' in html


def test_contact_fields_carry_autocomplete_hints(session):
    form = form_for(session)
    assert 'autocomplete="name"' in str(form["name"])
    assert 'autocomplete="email"' in str(form["email"])
    assert 'autocomplete="organization"' in str(form["organisation"])

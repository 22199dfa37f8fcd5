"""What the feedback scrubber takes out of a comment and a query string before either is stored:
e-mail addresses, Swedish phone numbers, valid personal identity numbers, the widget's own
parameters."""

import time

import pytest

from wagtail_webinars.feedback.scrub import scrub_query_string, scrub_text


def test_email_addresses_in_comments_are_replaced():
    assert scrub_text("Skriv till anna.svensson@kommun.se tack") == "Skriv till [e-post] tack"


def test_swedish_phone_numbers_in_comments_are_replaced():
    assert scrub_text("Ring 08-452 70 00 eller +46 70 123 45 67") == (
        "Ring [telefon] eller [telefon]"
    )


def test_valid_personal_identity_numbers_are_replaced_in_every_notation():
    text = "Jag är 811228-9874, 198112289874 och 8112289874"
    assert scrub_text(text) == "Jag är [personnummer], [personnummer] och [personnummer]"


@pytest.mark.parametrize(
    "number",
    ["811228-9875", "811228+9875", "8112289875", "19811228-9875", "198112289875", "811288-9875"],
)
def test_a_personal_identity_number_with_a_real_date_is_replaced_whatever_its_check_digit(
    number,
):
    # A mistyped personnummer is still personal data; 811288 is a coordination number.
    assert scrub_text(f"Mitt nummer är {number}.") == "Mitt nummer är [personnummer]."


@pytest.mark.parametrize(
    "text",
    [
        "Beställning 12345678 den 2024-01-15",  # eight digits, and a date
        "Fakturanummer 1234567890",  # month 56: no date
        "Ärende 811332-9874",  # month 13
        "Ärende 810230-9874",  # 30 February
        "Datum 20240115, kl. 10.30-12.00",
        "Referens 1000000000",
        "Kundnummer 123456789012",  # 12 digits, but no century 18, 19 or 20
        "Sidan 2 av 10, år 2024",
    ],
)
def test_dates_and_numbers_that_are_not_personnummer_shaped_survive(text):
    assert scrub_text(text) == text


def test_a_mobile_number_without_spaces_is_taken_for_a_phone_number():
    assert scrub_text("Ring 0701234567") == "Ring [telefon]"


@pytest.mark.parametrize(
    "written",
    [
        "anna at kommun dot se",
        "anna AT kommun DOT se",
        "anna(at)kommun.se",
        "anna (at) kommun (dot) se",
        "anna [at] kommun [dot] se",
        "anna{at}kommun{dot}se",
        "anna.berg snabel-a kommun punkt se",
        "anna @ kommun.se",
        "anna%40kommun.se",
        "anna.berg%40kommun%2Ese",
        "mailto:anna@kommun.se?subject=Fr%C3%A5ga",
        "mailto:anna%40kommun.se",
    ],
)
def test_disguised_and_encoded_email_addresses_are_replaced(written):
    assert scrub_text(f"Skriv till {written} tack") == "Skriv till [e-post] tack"


@pytest.mark.parametrize(
    "text",
    [
        "Vi ses at 10.30",
        "Titta at the slides",
        "Läs mer på kommun.se och skr.se",
        "Punkt 3: at least one dot",
    ],
)
def test_text_with_at_and_dot_as_words_survives(text):
    assert scrub_text(text) == text


def test_a_long_text_of_disguises_is_scrubbed_quickly():
    started = time.perf_counter()
    scrub_text("a" + " dot a" * 2000 + " at b")
    scrub_text("a." * 3000 + " at b")
    assert time.perf_counter() - started < 2


def test_email_addresses_in_the_query_string_are_replaced():
    assert scrub_query_string("q=anna%40example.se&sida=2") == "q=[e-post]&sida=2"


def test_the_widgets_own_parameters_are_not_recorded():
    assert scrub_query_string("sida=2&ww_feedback=thanks&ww_feedback_token=x") == "sida=2"

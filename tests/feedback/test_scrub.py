"""What the feedback scrubber takes out of a comment and a query string before either is stored:
e-mail addresses, Swedish phone numbers, valid personal identity numbers, the widget's own
parameters."""

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


def test_dates_and_order_numbers_that_fail_the_checksum_survive():
    text = "Beställning 811228-9875 den 2024-01-15, ärende 12345678"
    assert scrub_text(text) == text


def test_email_addresses_in_the_query_string_are_replaced():
    assert scrub_query_string("q=anna%40example.se&sida=2") == "q=[e-post]&sida=2"


def test_the_widgets_own_parameters_are_not_recorded():
    assert scrub_query_string("sida=2&ww_feedback=thanks&ww_feedback_token=x") == "sida=2"

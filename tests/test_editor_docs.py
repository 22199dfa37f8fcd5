"""docs/editors.md uses the admin's own words (read from the Swedish catalogue, so a changed
label fails here until the guide follows it) and its example dates are real days."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from wagtail_webinars.models import (
    EmailState,
    RegistrationFormPlacement,
    RegistrationStatus,
    SessionStatus,
)
from wagtail_webinars.models.pages import ComputedStatus, JoinLinkVisibility

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "editors.md").read_text()
# The guide wraps its lines; compare with every run of white space as one space.
TEXT = re.sub(r"\s+", " ", GUIDE)

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def swedish(labels):
    with translation.override("sv"):
        return [str(label) for label in labels]


@pytest.mark.parametrize(
    "label",
    swedish(
        [
            *RegistrationStatus.labels,
            *[EmailState(s).label for s in ("pending", "sending", "sent", "failed")],
            *RegistrationFormPlacement.labels,
            *JoinLinkVisibility.labels,
            SessionStatus.SCHEDULED.label,
            SessionStatus.CANCELLED.label,
            SessionStatus.POSTPONED.label,
            ComputedStatus.LIVE.label,
            ComputedStatus.ENDED.label,
        ]
    ),
)
def test_the_guide_names_each_status_and_choice_as_the_admin_does(label):
    assert label.lower() in TEXT.lower()


@pytest.mark.parametrize(
    "msgid",
    [
        "Resend e-mail",
        "Cancel registration",
        "Attendance per municipality",
        "A person's personal data",
        "Last e-mail",
        "Municipality or region",
        "where the registration form is shown",
        "registration open to visitors",
        "registration opens",
        "registration closes",
        "number of places",
        "stream URL",
        "join link",
        "recording URL",
        "live captioning",
        "sign-language interpretation",
        "note on the status",
        "only sessions under",
        "show from",
        "show until",
        "only on these series",
        "Time and status",
        "After the broadcast",
        "Embed",
    ],
)
def test_the_guide_names_each_button_and_field_as_the_admin_does(msgid):
    with translation.override("sv"):
        label = gettext(msgid)
    assert label != msgid, "not translated"
    assert label.lower() in TEXT.lower()


def test_the_export_buttons_are_named_as_wagtail_names_them():
    with translation.override("sv"):  # Wagtail's own catalogue
        names = [gettext("Download XLSX"), gettext("Download CSV")]
    assert names == ["Ladda ner XLSX", "Ladda ner CSV"]
    assert all(f"**{name}**" in TEXT for name in names)


def test_every_example_date_in_the_guide_is_on_the_weekday_it_names():
    pattern = r"(" + "|".join(WEEKDAYS) + r") (\d{1,2}) (" + "|".join(MONTHS) + r")(?: (\d{4}))?"
    found = re.findall(pattern, TEXT)
    assert found
    for weekday, day, month, year in found:
        date = datetime.date(int(year or 2027), MONTHS.index(month) + 1, int(day))
        assert WEEKDAYS[date.weekday()] == weekday, f"{weekday} {day} {month} {year}"
        assert date.weekday() < 5, "an example on a weekend"


def test_the_guide_shows_the_screenshots_the_script_takes():
    for name in ("session-1280.png", "session-390.png", "admin-registrations-1280.png"):
        assert f"(screenshots/{name})" in GUIDE
        assert (Path(__file__).resolve().parent.parent / "docs" / "screenshots" / name).exists()

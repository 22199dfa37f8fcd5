"""The Swedish catalogues follow docs/glossary.md: no word it rules out is shown to anyone."""

import pathlib
import re

import polib
import pytest
from django.utils import translation

from wagtail_webinars.models import RegistrationStatus, SessionStatus

ROOT = pathlib.Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs/glossary.md"
CATALOGUES = [
    ROOT / "wagtail_webinars/locale/sv/LC_MESSAGES/django.po",
    ROOT / "wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.po",
]


def ruled_out_words() -> list[str]:
    """The words of the glossary table's last column ("Använd inte"), parentheses left out."""
    words = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("Ord", "---"):
            continue
        column = re.sub(r"\(.*?\)", "", cells[3])
        words += [word.strip() for word in column.split(",") if word.strip()]
    return words


def translations(path: pathlib.Path):
    for entry in polib.pofile(str(path)):
        for msgstr in [entry.msgstr, *entry.msgstr_plural.values()]:
            if msgstr:
                yield entry.msgid, msgstr


def test_the_glossary_rules_words_out():
    words = ruled_out_words()
    assert "reservlista" in words
    assert "avboka" in words
    assert len(words) > 20


# Endings of Swedish nouns and verbs: -n, -en, -et, -na, -ar, -ade, -d, -t, ...
INFLECTIONS = r"(?:n|en|et|t|na|r|ar|er|or|d|de|ade|at|s)?"


def uses(word: str, text: str) -> bool:
    """Does ``text`` use ``word`` or an inflection of it ("reservlista" → "reservlistan",
    "avboka" → "avbokad"), as a word of its own ("webbinar" is not in "webbinarier")?"""
    pattern = rf"(?<![\w]){re.escape(word)}{INFLECTIONS}(?![\w])"
    return re.search(pattern, text, re.IGNORECASE) is not None


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
def test_the_catalogue_uses_no_word_the_glossary_rules_out(catalogue):
    found = [
        f"{word!r} in {msgid!r} → {msgstr!r}"
        for msgid, msgstr in translations(catalogue)
        for word in ruled_out_words()
        if uses(word, msgstr)
    ]
    assert found == []


def test_inflections_of_a_ruled_out_word_are_caught():
    assert uses("reservlista", "Du står på reservlistan.")
    assert uses("avboka", "Din anmälan är avbokad.")
    assert not uses("boka", "Fullbokat – anmäl dig till väntelistan")
    assert not uses("webbinar", "Webbinarier")


def test_a_cancelled_registration_is_avanmald_and_a_cancelled_webinar_installt():
    with translation.override("sv"):
        assert str(RegistrationStatus.CANCELLED.label) == "Avanmäld"
        assert str(SessionStatus.CANCELLED.label) == "Inställt"

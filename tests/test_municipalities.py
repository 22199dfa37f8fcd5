"""The shipped list of Sweden's municipalities and regions with their official codes."""

from wagtail_webinars.data import (
    OTHER_ORGANISATION,
    is_valid_code,
    municipalities,
    municipality_choices,
    municipality_label,
    regions,
)


def test_there_are_290_municipalities_and_21_regions():
    assert (len(municipalities()), len(regions())) == (290, 21)


def test_codes_are_unique():
    codes = [m.code for m in municipalities()] + [r.code for r in regions()]
    assert len(codes) == len(set(codes))


def test_known_municipality_codes():
    names = {m.code: m.name for m in municipalities()}
    assert names["0180"] == "Stockholm"
    assert names["1480"] == "Göteborg"
    assert names["1280"] == "Malmö"
    assert names["2584"] == "Kiruna"


def test_known_region_codes():
    names = {r.code: r.name for r in regions()}
    assert names["01"] == "Region Stockholm"
    assert names["12"] == "Region Skåne"


def test_every_municipality_lies_in_a_region_whose_code_starts_its_own():
    region_codes = {r.code for r in regions()}
    assert all(m.region in region_codes and m.code.startswith(m.region) for m in municipalities())


def test_other_organisation_is_allowed_and_unknown_codes_are_not():
    assert is_valid_code(OTHER_ORGANISATION)
    assert is_valid_code("0180")
    assert not is_valid_code("9999")


def test_other_organisation_reads_in_swedish():
    assert municipality_label(OTHER_ORGANISATION) == "Annan organisation"


def test_choices_list_municipalities_in_swedish_alphabetical_order():
    names = [name for _code, name in municipality_choices()[0][1]]
    assert names[0] == "Ale"
    assert names[-3:] == ["Östra Göinge", "Överkalix", "Övertorneå"]
    assert names.index("Åmål") < names.index("Älmhult") < names.index("Örebro")

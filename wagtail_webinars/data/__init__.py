"""Sweden's 290 municipalities and 21 regions with their official codes (SCB's kommun- and
länskoder), shipped with the package so that editors can count attendance per municipality.

A registration stores the code: four digits for a municipality ("0180" Stockholm), two for a
region ("01" Region Stockholm), or ``OTHER_ORGANISATION`` for "Annan organisation".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext, gettext_lazy as _

DATA_FILE = Path(__file__).with_name("municipalities.json")
OTHER_ORGANISATION = "other"


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region: str  # the two-digit code of the region (län) it lies in


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@cache
def _load() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def municipalities() -> tuple[Municipality, ...]:
    """The 290 municipalities in code order."""
    return tuple(Municipality(**item) for item in _load()["municipalities"])


@cache
def regions() -> tuple[Region, ...]:
    """The 21 regions in code order."""
    return tuple(Region(**item) for item in _load()["regions"])


@cache
def _names() -> dict[str, str]:
    names = {m.code: m.name for m in municipalities()}
    names.update({r.code: r.name for r in regions()})
    return names


def is_valid_code(code: str) -> bool:
    """A municipality's or region's official code, or ``OTHER_ORGANISATION``."""
    return code == OTHER_ORGANISATION or code in _names()


def municipality_label(code: str) -> str:
    """ "Stockholm", "Region Skåne", "Annan organisation" – or the code itself if unknown."""
    if code == OTHER_ORGANISATION:
        return gettext("Other organisation")
    return _names().get(code, code)


# Swedish alphabetical order ends with Å, Ä, Ö, which code-point order would swap.
_SWEDISH_ORDER = str.maketrans({"Å": "\x7b", "Ä": "\x7c", "Ö": "\x7d", "É": "E", "Ü": "Y"})


def swedish_sort_key(name: str) -> str:
    return name.upper().translate(_SWEDISH_ORDER)


def municipality_choices() -> list[tuple[str, object]]:
    """Choices for a form: municipalities, then regions, then "Annan organisation", grouped."""
    return [
        (
            _("Municipalities"),
            [
                (m.code, m.name)
                for m in sorted(municipalities(), key=lambda m: swedish_sort_key(m.name))
            ],
        ),
        (
            _("Regions"),
            [(r.code, r.name) for r in sorted(regions(), key=lambda r: swedish_sort_key(r.name))],
        ),
        (OTHER_ORGANISATION, _("Other organisation")),
    ]

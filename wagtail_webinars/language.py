"""The one rule for the language a visitor is answered in.

The package speaks Swedish and English: its catalogue, its e-mails and the ``language`` that a
JSON body may send. A visitor is answered in the language they asked for (the ``language`` a
form or a JSON body sends, where it is one we speak), else in the one their browser asks for
(``Accept-Language``, as Django's ``LocaleMiddleware`` reads it), else in the active language;
and any of these that is not English is Swedish. Registrations store the result, so later
e-mails to the same person speak the same language.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

#: The languages visitors are answered in; the first is the fallback.
VISITOR_LANGUAGES = ("sv", "en")


def supported(code: str | None) -> str:
    """``"en"`` for any English code ("en", "en-gb"), otherwise ``"sv"``."""
    return "en" if (code or "").lower().startswith("en") else "sv"


def is_visitor_language(code: object) -> bool:
    """Whether ``code`` is exactly one of ``VISITOR_LANGUAGES`` (what a JSON body may send)."""
    return isinstance(code, str) and code in VISITOR_LANGUAGES


def visitor_language(request: HttpRequest | None = None, requested: object = None) -> str:
    """The language to answer this visitor in: ``"sv"`` or ``"en"``."""
    if is_visitor_language(requested):
        return requested  # type: ignore[return-value]
    if request is not None:
        return supported(translation.get_language_from_request(request))
    return supported(translation.get_language())

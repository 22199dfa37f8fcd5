"""Where a feedback comment (and the recorded path and query string) is scrubbed of personal
details before it is saved: e-mail addresses, Swedish personal identity numbers and phone
numbers, each replaced by a placeholder.

Phone numbers are found by libphonenumber (``PhoneNumberMatcher``, region SE); personal identity
numbers are checked by the ``personnummer`` library (date and checksum), so order numbers and
dates survive.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode

import phonenumbers
from personnummer import personnummer

EMAIL_PLACEHOLDER = "[e-post]"
PHONE_PLACEHOLDER = "[telefon]"
PERSONNUMMER_PLACEHOLDER = "[personnummer]"
# Query parameters the widget adds itself when it sends a visitor back; never recorded.
WIDGET_PARAMS = ("ww_feedback", "ww_feedback_token")

# No library we trust finds e-mail addresses inside free text (Django's EmailValidator checks a
# whole string), so this is deliberately generous: a false hit only hides a few characters.
EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Candidates only: every hit is checked by the personnummer library (date and checksum), so
# order numbers and dates survive. 10 or 12 digits, optionally with - or + (or a space).
PERSONNUMMER_CANDIDATE_RE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def _replace_personnummer(match: re.Match) -> str:
    candidate = match.group(0).replace(" ", "-")
    try:
        is_valid = personnummer.valid(candidate)
    except Exception:
        is_valid = False
    return PERSONNUMMER_PLACEHOLDER if is_valid else match.group(0)


def scrub_text(text: str) -> str:
    """Replace e-mail addresses, Swedish personal identity numbers and phone numbers.

    Personal identity numbers go before phone numbers, since libphonenumber would otherwise
    take some of them for phone numbers.
    """
    text = EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)
    text = PERSONNUMMER_CANDIDATE_RE.sub(_replace_personnummer, text)
    pieces = []
    last = 0
    for match in phonenumbers.PhoneNumberMatcher(text, "SE"):
        pieces.append(text[last : match.start])
        pieces.append(PHONE_PLACEHOLDER)
        last = match.end
    pieces.append(text[last:])
    return "".join(pieces)


def scrub_path(path: str) -> str:
    """The path with e-mail addresses replaced (``/sok/anna@example.se/``), percent-encoded ones
    included. Only e-mail addresses: digits in a path are far more often ids and dates than
    phone numbers."""
    decoded = unquote(path)
    # Segment by segment: "/" is allowed in an address's local part, never in a path segment.
    scrubbed = "/".join(EMAIL_RE.sub(EMAIL_PLACEHOLDER, part) for part in decoded.split("/"))
    if scrubbed == decoded:
        return path
    return quote(scrubbed, safe="/[]-._~!$&'()*+,;=:")


def scrub_query_string(query_string: str) -> str:
    """The query string with personal details replaced in every value and our own parameters
    dropped. Search boxes put whatever a visitor types into the URL, so all three kinds of
    detail are scrubbed, not only e-mail addresses."""
    pairs = [
        (key, scrub_text(value))
        for key, value in parse_qsl(query_string, keep_blank_values=True)
        if key not in WIDGET_PARAMS
    ]
    return urlencode(pairs, safe="[]")

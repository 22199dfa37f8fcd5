"""Where a feedback comment (and the recorded path and query string) is scrubbed of personal
details before it is saved: e-mail addresses, Swedish personal identity numbers and phone
numbers, each replaced by a placeholder.

- E-mail addresses, written out or disguised as people do to fool harvesters: ``anna at kommun
  dot se``, ``anna(at)kommun.se``, ``anna [at] kommun [dot] se``, ``snabel-a`` and ``punkt``,
  a ``mailto:`` link, a percent-encoded ``anna%40kommun.se``.
- Personal identity numbers (and coordination numbers) in every notation, 10 or 12 digits, with
  ``-``, ``+`` or nothing between: a number of that shape is scrubbed when its date is a real
  date, whether or not its check digit is right, since a mistyped personnummer is still personal
  data. The ``personnummer`` library judges the date (and the rest of the number), so order
  numbers and dates of other shapes survive.
- Phone numbers, found by libphonenumber (``PhoneNumberMatcher``, region SE).
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
# A mailto: link as a whole, with whatever follows the address (?subject=…).
MAILTO_RE = re.compile(r"mailto:[^\s\"'<>]*", re.IGNORECASE)
# "@" and "." as people disguise them: in brackets, as words between spaces, percent-encoded.
_AT = r"(?:\s*(?:@|%40)\s*|\s*[(\[{<]\s*(?:at|snabel-a)\s*[)\]}>]\s*|\s+(?:at|snabel-a)\s+)"
_DOT = r"(?:\.|%2e|\s*[(\[{<]\s*(?:dot|punkt)\s*[)\]}>]\s*|\s+(?:dot|punkt)\s+)"
# A disguised address must end in a top-level domain of letters, so that "ses at 10.30" and
# other text with a word "at" in it survive. Bounded repeats keep a long text of " dot "s from
# taking quadratic time.
OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[\w+-][\w.+-]*(?:{_DOT}[\w+-]+){{0,3}}{_AT}[\w-]+(?:{_DOT}[\w-]+){{0,6}}{_DOT}[^\W\d_]{{2,}}(?![\w-])",
    re.IGNORECASE | re.UNICODE,
)
# Personnummer-shaped: YYMMDD or YYYYMMDD (century 18, 19 or 20), then -, + or a space or
# nothing, then four digits. Every hit is judged by the personnummer library.
PERSONNUMMER_CANDIDATE_RE = re.compile(r"(?<!\d)(?:1[89]|20)?\d{6}[-+ ]?\d{4}(?!\d)")


def _has_real_date(candidate: str) -> bool:
    """Whether ``candidate`` is a personal identity or coordination number with some check
    digit: the library checks the date, the rest of the number and the check digit, so each of
    the ten check digits is tried in turn and the one that is right must make it valid."""
    stem = candidate[:-1]
    # The regex gave digits and one separator only, which the library parses without raising.
    return any(personnummer.valid(stem + digit) for digit in "0123456789")


def _is_phone_number(candidate: str) -> bool:
    # "0701234567" is a mobile number and also a date (2007-01-23) with four digits: left to
    # the phone matcher, which hides it as one.
    if not candidate.startswith("0") or not candidate.isdigit():
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, "SE"))
    except phonenumbers.NumberParseException:
        return False


def _replace_personnummer(match: re.Match) -> str:
    candidate = match.group(0).replace(" ", "-")
    if _is_phone_number(candidate) or not _has_real_date(candidate):
        return match.group(0)
    return PERSONNUMMER_PLACEHOLDER


def scrub_emails(text: str) -> str:
    """Replace e-mail addresses, disguised and percent-encoded ones and mailto: links included."""
    text = MAILTO_RE.sub(EMAIL_PLACEHOLDER, text)
    text = EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)
    return OBFUSCATED_EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)


def scrub_text(text: str) -> str:
    """Replace e-mail addresses, Swedish personal identity numbers and phone numbers.

    Personal identity numbers go before phone numbers, since libphonenumber would otherwise
    take some of them for phone numbers.
    """
    text = scrub_emails(text)
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
    """The path with personal details replaced as in comments (``/sok/anna@example.se/``,
    ``/kund/811228-9874/``), percent-encoded ones included. Segment by segment, so that a phone
    number is never put together from two ids."""
    decoded = unquote(path)
    # By segment: "/" is allowed in an address's local part, never in a path segment.
    scrubbed = "/".join(scrub_text(part) for part in decoded.split("/"))
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

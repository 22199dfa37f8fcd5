"""The one rule for text a visitor sends that we store: what a one-line field, a multi-line field
and an e-mail address may hold.

What a visitor types is later put in e-mail headers and subjects, CSV and XLSX exports, the
admin and an editor's terminal, so characters that break a line, a header, a spreadsheet or a
terminal are refused with a message (never silently stripped):

* every control character (Unicode category Cc: NUL, ``\\x0b``, ``\\x1c``, ``\\x85`` …), lone
  surrogates (Cs: they cannot be written as UTF-8), the line and paragraph separators
  (U+2028, U+2029) and the noncharacters (U+FFFE …), which XML, and so XLSX, refuses;
* every format character (Cf: bidirectional overrides, zero-width space, byte order mark …),
  except those that real names and pasted text need: the soft hyphen, the zero-width
  non-joiner and joiner (Persian, Indic scripts, emoji), the left-to-right, right-to-left and
  Arabic letter marks, the word joiner, and the emoji tag characters (subdivision flags).

A multi-line field may also hold real line breaks (``\\n``, ``\\r``) and tabs; an e-mail address
must be one line of printable characters, without spaces.

Python's ``str.isprintable()`` and ``str.splitlines()`` are not this rule: ``splitlines()``
breaks at ``\\x0b``, ``\\x1c`` … ``\\x1e`` and ``\\x85`` too, so "each line is printable" lets them
through, and ``isprintable()`` refuses the zero-width non-joiner a Persian name needs.
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: Format characters (Cf) that names and pasted text legitimately carry.
ALLOWED_FORMAT_CHARACTERS = frozenset(
    "\u00ad"  # soft hyphen
    "\u061c"  # Arabic letter mark
    "\u200c"  # zero-width non-joiner
    "\u200d"  # zero-width joiner
    "\u200e"  # left-to-right mark
    "\u200f"  # right-to-left mark
    "\u2060"  # word joiner
)
#: Emoji tag characters (the flags of England, Scotland, Wales).
ALLOWED_FORMAT_RANGE = (0xE0020, 0xE007F)
MULTILINE_EXTRA = frozenset("\n\r\t")


def is_forbidden_character(char: str) -> bool:
    """Whether ``char`` may not appear in a one-line text of ours."""
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    if category == "Cf":
        code = ord(char)
        return char not in ALLOWED_FORMAT_CHARACTERS and not (
            ALLOWED_FORMAT_RANGE[0] <= code <= ALLOWED_FORMAT_RANGE[1]
        )
    code = ord(char)
    # Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def first_forbidden(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` that the rule refuses, or None when all pass."""
    for char in value:
        if multiline and char in MULTILINE_EXTRA:
            continue
        if is_forbidden_character(char):
            return char
    return None


def is_single_line(value: str) -> bool:
    """Whether ``value`` may be stored in a one-line field (name, organisation, short answer)."""
    return first_forbidden(value) is None


def is_multiline(value: str) -> bool:
    """Whether ``value`` may be stored in a multi-line field (a comment, a question)."""
    return first_forbidden(value, multiline=True) is None


def is_email_text(value: str) -> bool:
    """Whether ``value`` is one line of printable characters without spaces, as an e-mail
    address that goes into a ``To:`` header must be (its syntax is checked elsewhere)."""
    return value.isprintable() and not any(char.isspace() for char in value)


def has_surrogates(value: Any) -> bool:
    """Whether any string in ``value`` (a parsed JSON document: keys and values, nested) holds
    a lone surrogate, which JSON's ``\\ud800`` escapes can send and UTF-8 cannot store."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False

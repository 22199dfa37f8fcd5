"""Spreadsheet exports of what visitors typed (registrations, feedback comments).

Visitors write the names, organisations, answers and comments that editors export, so a cell can
start with ``=``, ``+``, ``-`` or ``@`` and be run as a formula when the CSV is opened in a
spreadsheet program (CSV injection). Wagtail's exporter already turns formulas into text in XLSX;
this does the same for CSV by prefixing such cells with an apostrophe, as OWASP advises.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# What XML 1.0, and so an XLSX cell, cannot hold: control characters other than tab and line
# breaks (openpyxl raises IllegalCharacterError for them), lone surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """A string an XLSX cell can hold: what XML cannot carry becomes U+FFFD, so that no stored
    row (one saved before today's text rule, or written behind the rules' back) can make an
    export fail for every editor. Anything else unchanged."""
    if isinstance(value, str):
        return XML_ILLEGAL_RE.sub("\ufffd", value)
    return value


class SafeCSVExportMixin:
    """For views built on Wagtail's ``SpreadsheetExportMixin`` (reports, modeladmin indexes):
    no formula in a CSV cell, and every XLSX export succeeds whatever a row holds."""

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return xml_safe(value)

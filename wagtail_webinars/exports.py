"""Spreadsheet exports of what visitors typed (registrations, feedback comments).

Visitors write the names, organisations, answers and comments that editors export, so a cell can
start with ``=``, ``+``, ``-`` or ``@`` and be run as a formula when the CSV is opened in a
spreadsheet program (CSV injection). Wagtail's exporter already turns formulas into text in XLSX;
this does the same for CSV by prefixing such cells with an apostrophe, as OWASP advises.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeCSVExportMixin:
    """For views built on Wagtail's ``SpreadsheetExportMixin`` (reports, modeladmin indexes)."""

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value

"""What editors do with personal data, written to Wagtail's log (``wagtail.log_actions.log``):
the part every admin export shares (part of the kernel: it reads only Wagtail and Django).

The entries name who, what and when, never a person: the log outlives the retention period, which
erases names and addresses from our own tables but not from Wagtail's.
"""

from __future__ import annotations

from typing import Any


class LoggedExportMixin:
    """For views built on Wagtail's ``SpreadsheetExportMixin``: every CSV or XLSX download is
    logged (``log_export()``) before the file is written, so a download that fails half-way is
    logged too."""

    def log_export(self, queryset: Any, export_format: str) -> None:
        """Override point: write the export of ``queryset`` to Wagtail's log."""
        raise NotImplementedError

    def as_spreadsheet(self, queryset: Any, spreadsheet_format: str):
        self.log_export(queryset, spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

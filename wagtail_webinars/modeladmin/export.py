"""The registrations export (CSV and XLSX): one column per fact with the form's own words, labels
instead of codes, times in the webinars' time zone, empty cells for empty answers, and the rows
streamed from the database.

Wagtail's ``SpreadsheetExportMixin`` builds each row from a model instance; for registrations that
means every row's e-mails prefetched and a full session page built per row before the first line
goes out (75 s and 1.3 GB at 100,000 rows). Here the rows are read as plain values in chunks with
a server-side cursor where the database has one, the last e-mail comes from a subquery, sessions
and the editor's questions are read once, and the XLSX is written in openpyxl's write-only mode
into a temporary file. ``bench/admin_bench.py`` measures it.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value as V
from django.db.models.functions import Concat
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from .. import dates
from ..conf import webinar_settings
from ..data import municipality_label
from ..exports import neutralise_formula, xml_safe
from ..models.registrations import (
    DeliveryState,
    EmailKind,
    EmailState,
    Registration,
    RegistrationEmail,
    RegistrationQuestion,
    RegistrationStatus,
)
from ..pagemodel import session_page_model

#: Rows fetched per round trip: bounded memory, few round trips.
CHUNK_SIZE = 2000

CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose ``write`` returns what it was given, for a streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class SessionInfo:
    title: str
    start: datetime.datetime | None
    #: The editor's questions that the session's form asked: ``(clean_name, label)``.
    questions: tuple[tuple[str, str], ...]


class RegistrationExport:
    """Columns and rows of an export of ``queryset`` (the admin list's, filters and search
    applied). Subclass and override ``columns()`` and ``row()`` to change what is exported; set
    ``RegistrationAdmin.export_class`` to the subclass."""

    #: The registration's fields that ``row()`` reads.
    fields: tuple[str, ...] = (
        "session_id",
        "status",
        "name",
        "email",
        "organisation",
        "municipality_code",
        "participants",
        "places",
        "answers",
        "question_to_speaker",
        "consent_text",
        "created_at",
        "cancelled_at",
    )

    def __init__(self, queryset: QuerySet[Registration]) -> None:
        self.queryset = queryset
        self.zone = dates.webinar_zone()
        self._labels: dict[Any, dict[str, str]] = {}
        self.sessions = self._sessions()
        self.question_labels = self._question_labels()

    # -- what is read once ------------------------------------------------------------------------

    def _sessions(self) -> dict[int, SessionInfo]:
        session_ids = self.queryset.order_by().values("session_id").distinct()
        sessions = list(
            session_page_model()
            .objects.filter(pk__in=session_ids)
            .values_list("pk", "title", "start", "path", "depth")
        )
        steplen = session_page_model().steplen
        parent_paths = {path[:-steplen] for _pk, _t, _s, path, depth in sessions if depth > 1}
        from wagtail.models import Page

        parents = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "pk"))
        page_ids = {pk for pk, *_ in sessions} | set(parents.values())
        questions: dict[int, list[tuple[str, str]]] = {}
        for page_id, name, label in (
            RegistrationQuestion.objects.filter(page_id__in=page_ids)
            .order_by("page_id", "sort_order", "pk")
            .values_list("page_id", "clean_name", "label")
        ):
            questions.setdefault(page_id, []).append((name, label))
        info = {}
        for pk, title, start, path, _depth in sessions:
            # As services.get_questions(): the session's own questions, else its series'.
            own = questions.get(pk) or questions.get(parents.get(path[:-steplen]), [])
            info[pk] = SessionInfo(title=title, start=start, questions=tuple(own))
        return info

    def _question_labels(self) -> list[str]:
        """One column per question, by its label, in the order of the sessions' starts."""
        labels: list[str] = []
        ordered = sorted(
            self.sessions.values(),
            key=lambda s: s.start or datetime.datetime.max.replace(tzinfo=datetime.UTC),
        )
        for session in ordered:
            for _name, label in session.questions:
                if label not in labels:
                    labels.append(label)
        return labels

    # -- columns and rows -------------------------------------------------------------------------

    def columns(self) -> list[str]:
        zone = self.zone.key
        return [
            _("Webinar"),
            _("Starts (%(zone)s)") % {"zone": zone},
            _("Status"),
            _("Name"),
            _("E-mail address"),
            _("Organisation"),
            _("Municipality or region"),
            _("Municipality or region code"),
            _("Further participants"),
            _("Places"),
            *self.question_labels,
            _("Other answers"),
            _("Question to the speaker"),
            _("Consent given"),
            _("Registered (%(zone)s)") % {"zone": zone},
            _("Cancelled (%(zone)s)") % {"zone": zone},
            _("Last e-mail"),
        ]

    def values(self) -> Iterator[dict[str, Any]]:
        """The registrations as plain dicts, in chunks: no model instances, no prefetch."""
        # The last e-mail's kind, state and delivery in one subquery ("kind|state|delivery").
        last = (
            RegistrationEmail.objects.filter(registration=OuterRef("pk"))
            .order_by("-created_at", "-pk")
            .annotate(summary=Concat("kind", V("|"), "state", V("|"), "delivery_state"))
            .values("summary")[:1]
        )
        queryset = (
            self.queryset.select_related(None)
            .prefetch_related(None)
            .annotate(last_email=Subquery(last, output_field=CharField()))
            .values(*self.fields, "last_email")
        )
        return queryset.iterator(chunk_size=CHUNK_SIZE)

    def row(self, values: dict[str, Any]) -> list[Any]:
        session = self.sessions.get(values["session_id"]) or SessionInfo("", None, ())
        by_label, other = self.answer_cells(session, values["answers"] or {})
        code = values["municipality_code"]
        return [
            session.title,
            self.local(session.start),
            self.label(RegistrationStatus, values["status"]),
            values["name"],
            values["email"],
            values["organisation"],
            municipality_label(code) if code else "",
            code,
            "; ".join(values["participants"] or []),
            values["places"],
            *(by_label.get(label, "") for label in self.question_labels),
            other,
            values["question_to_speaker"],
            values["consent_text"],
            self.local(values["created_at"]),
            self.local(values["cancelled_at"]),
            self.email_state(values),
        ]

    # -- cells ------------------------------------------------------------------------------------

    def local(self, value: datetime.datetime | None) -> datetime.datetime | None:
        """A moment as a wall-clock time in the webinars' zone (the column heading names it)."""
        if value is None:
            return None
        return value.astimezone(self.zone).replace(tzinfo=None, microsecond=0)

    def label(self, choices: Any, value: str) -> str:
        """The translated label of a stored code (translated once per export, not per row)."""
        labels = self._labels.get(choices)
        if labels is None:
            labels = self._labels[choices] = {code: str(label) for code, label in choices.choices}
        return labels.get(value, value)

    def answer_cells(self, session: SessionInfo, answers: dict) -> tuple[dict[str, str], str]:
        labels = dict(session.questions)
        by_label: dict[str, str] = {}
        other: list[str] = []
        for name, value in answers.items():
            text = answer_text(value)
            if not text:
                continue
            if name in labels:
                by_label[labels[name]] = text
            else:
                # The editor removed the question after this person answered it.
                other.append(f"{name}: {text}")
        return by_label, "; ".join(other)

    def email_state(self, values: dict[str, Any]) -> str:
        """ "Bekräftelse: Skickat (Levererat)": the last e-mail's kind, state and delivery."""
        if not values["last_email"]:
            return ""
        kind, state, delivery = values["last_email"].split("|")
        text = f"{self.label(EmailKind, kind)}: {self.label(EmailState, state)}"
        if delivery:
            text += f" ({self.label(DeliveryState, delivery)})"
        return text

    # -- the files --------------------------------------------------------------------------------

    def csv_lines(self) -> Iterator[str]:
        writer = csv.writer(_Echo())
        # A byte-order mark, so that Excel opens the UTF-8 file with å, ä and ö intact.
        yield "\ufeff" + writer.writerow(self.columns())
        for values in self.values():
            yield writer.writerow(self.csv_cell(cell) for cell in self.row(values))

    @staticmethod
    def csv_cell(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return f"{value:%Y-%m-%d %H:%M}"
        if value is None:
            return ""
        return neutralise_formula(value)

    def write_xlsx(self, output: Any) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=_("Registrations")[:31])
        sheet.append(self.columns())

        def cell(value: Any) -> Any:
            # Plain values are cheapest; a cell object only where a value needs one.
            if isinstance(value, str):
                value = xml_safe(value)
                if value.startswith("="):
                    # What a visitor typed is text, never a formula.
                    text = WriteOnlyCell(sheet, value)
                    text.data_type = "s"
                    return text
                return value
            if isinstance(value, datetime.datetime):
                moment = WriteOnlyCell(sheet, value)
                moment.number_format = "yyyy-mm-dd hh:mm"
                return moment
            return value

        for values in self.values():
            sheet.append([cell(value) for value in self.row(values)])
        workbook.save(output)

    def csv_response(self, filename: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(self.csv_lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    def xlsx_response(self, filename: str) -> FileResponse:
        # On disk, not in memory: a large workbook must not hold the process's memory.
        output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        self.write_xlsx(output)
        output.seek(0)
        return FileResponse(
            output, as_attachment=True, content_type=CONTENT_TYPE_XLSX, filename=f"{filename}.xlsx"
        )


def answer_text(value: Any) -> str:
    """An answer as text: "Ja"/"Nej" for a checkbox, choices joined by "; ", "" for none."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def xlsx_row_limit() -> int:
    """Beyond this many rows the XLSX export is refused in favour of the CSV (docs/settings.md)."""
    return int(webinar_settings.EXPORT_XLSX_MAX_ROWS)


def count_at_most(queryset: QuerySet, limit: int) -> int:
    """How many rows ``queryset`` has, counting no further than ``limit + 1``."""
    return queryset.order_by().values("pk")[: limit + 1].count()

"""Statistics per series: registrations per session and per municipality or region, as tables,
as bar charts drawn here as SVG (no script, nothing fetched from elsewhere), and as CSV.

The figures are counted by the database in two grouped queries, from the registrations the
editor may see (the registrations admin's own queryset), so a region's editors count only their
own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import dates
from ..data import municipality_label, swedish_sort_key
from ..models.registrations import RegistrationStatus
from ..pagemodel import series_page_model, session_page_model

CONFIRMED = Q(status=RegistrationStatus.CONFIRMED)
WAITING = Q(status=RegistrationStatus.WAITLISTED)
CANCELLED = Q(status=RegistrationStatus.CANCELLED)

#: Bars in the municipality chart; the rest are summed in one bar ("Övriga").
CHART_MUNICIPALITIES = 15


@dataclass
class Row:
    label: str
    detail: str  # a session's date, a municipality's code
    registrations: int
    participants: int
    waiting: int = 0
    cancelled: int = 0


@dataclass
class Bar:
    label: str
    value: int
    length: int  # in SVG units, the widest bar BAR_LENGTH
    y: int


def session_rows(registrations: QuerySet, series: Any) -> list[Row]:
    """One row per session of the series (sessions without registrations too), by start."""
    sessions = list(
        session_page_model()
        .objects.child_of(series)
        .order_by("start")
        .values_list("pk", "title", "start")
    )
    counts = {
        row["session_id"]: row
        for row in registrations.filter(session__in=[pk for pk, _t, _s in sessions])
        .order_by()
        .values("session_id")
        .annotate(
            registrations=Count("pk", filter=CONFIRMED),
            participants=Sum("places", filter=CONFIRMED),
            waiting=Count("pk", filter=WAITING),
            cancelled=Count("pk", filter=CANCELLED),
        )
    }
    rows = []
    for pk, title, start in sessions:
        count = counts.get(pk, {})
        rows.append(
            Row(
                label=title,
                detail=dates.format_datetime(start) if start else "",
                registrations=count.get("registrations", 0),
                participants=count.get("participants") or 0,
                waiting=count.get("waiting", 0),
                cancelled=count.get("cancelled", 0),
            )
        )
    return rows


def municipality_rows(registrations: QuerySet) -> list[Row]:
    """Confirmed registrations and participants per municipality or region among
    ``registrations``, most participants first. The statistics per series and the counts per
    municipality (of one session or all) are both this tally."""
    rows = [
        Row(
            label=municipality_label(row["municipality_code"]) if row["municipality_code"] else "–",
            detail=row["municipality_code"],
            registrations=row["registrations"],
            participants=row["participants"] or 0,
        )
        for row in registrations.filter(CONFIRMED)
        .order_by()
        .values("municipality_code")
        .annotate(registrations=Count("pk"), participants=Sum("places"))
    ]
    rows.sort(key=lambda row: (-row.participants, swedish_sort_key(row.label)))
    return rows


def bars(rows: list[Row], *, limit: int | None = None) -> list[Bar]:
    """The rows as horizontal bars of participants; beyond ``limit`` summed into "Övriga"."""
    shown = rows if limit is None or len(rows) <= limit else rows[: limit - 1]
    items = [(row.label, row.participants) for row in shown]
    if len(shown) < len(rows):
        items.append((_("Others"), sum(row.participants for row in rows[len(shown) :])))
    widest = max((value for _label, value in items), default=0) or 1
    return [
        Bar(label=label, value=value, length=round(BAR_LENGTH * value / widest), y=index * BAR_STEP)
        for index, (label, value) in enumerate(items)
    ]


#: Height in SVG units of one bar and the gap below it; the longest bar's length.
BAR_STEP = 28
BAR_LENGTH = 380


def chart_height(bar_list: list[Bar]) -> int:
    return max(1, len(bar_list)) * BAR_STEP


def series_choices() -> list[tuple[int, str]]:
    return list(series_page_model().objects.order_by("title").values_list("pk", "title"))


def csv_response(series: Any, sessions: list[Row], municipalities: list[Row]) -> HttpResponse:
    """Both tables in one CSV, each under its own heading line."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{series.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([series.title])
    writer.writerow(
        [
            _("Webinar"),
            _("Starts"),
            _("Registrations"),
            _("Participants"),
            _("On the waiting list"),
            _("Cancelled registrations"),
        ]
    )
    for row in sessions:
        writer.writerow(
            [row.label, row.detail, row.registrations, row.participants, row.waiting, row.cancelled]
        )
    writer.writerow([])
    writer.writerow([_("Municipality or region"), _("Code"), _("Registrations"), _("Participants")])
    for row in municipalities:
        writer.writerow([row.label, row.detail, row.registrations, row.participants])
    return response


def context(request: HttpRequest, registrations: QuerySet) -> dict[str, Any]:
    """What the statistics page shows for the series in ``?series=``."""
    choices = series_choices()
    chosen = request.GET.get("series", "")
    series = None
    if chosen.isascii() and chosen.isdigit():
        series = series_page_model().objects.filter(pk=int(chosen)).first()
    if series is None and choices and not chosen:
        series = series_page_model().objects.get(pk=choices[0][0])
    result: dict[str, Any] = {
        "choices": choices,
        "series": series,
        "not_found": bool(chosen) and series is None,
    }
    if series is not None:
        sessions = session_rows(registrations, series)
        municipalities = municipality_rows(
            registrations.filter(session__in=session_page_model().objects.child_of(series))
        )
        session_bars = bars(sessions)
        municipality_bars = bars(municipalities, limit=CHART_MUNICIPALITIES)
        result.update(
            sessions=sessions,
            municipalities=municipalities,
            session_bars=session_bars,
            session_chart_height=chart_height(session_bars),
            municipality_bars=municipality_bars,
            municipality_chart_height=chart_height(municipality_bars),
            total_participants=sum(row.participants for row in sessions),
            total_registrations=sum(row.registrations for row in sessions),
        )
    return result

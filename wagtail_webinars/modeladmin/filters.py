"""Filters of the registrations list that are not a plain field: the series (a session's parent
page) and the municipality or region by name."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import DateFieldListFilter, SimpleListFilter
from django.db import connection
from django.utils.translation import gettext_lazy as _

from .. import page_access
from ..data import municipality_label, swedish_sort_key
from ..models.registrations import Registration
from ..pagemodel import series_page_model
from .permissions import can_view_registrations, visible_registrations, visible_sessions


class SessionFilter(SimpleListFilter):
    """Registrations for one session, offered among the sessions the editor may see (a
    region's editors are not shown another region's webinars). The parameter is the one Django's
    own related-field filter used, so links to a session's registrations keep working."""

    title = _("webinar")
    parameter_name = "session__id__exact"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        sessions = visible_sessions(request.user).order_by("-start").values_list("pk", "title")
        return [(str(pk), title) for pk, title in sessions]

    def queryset(self, request: Any, queryset: Any) -> Any:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(session_id=value) if value.isdigit() else queryset.none()


class SeriesFilter(SimpleListFilter):
    """Registrations for the sessions of one series (the sessions are its child pages), offered
    among the series whose sessions the editor may see."""

    title = _("webinar series")
    parameter_name = "series"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        steplen = series_page_model().steplen
        paths = visible_sessions(request.user).values_list("path", flat=True)
        parents = {path[:-steplen] for path in paths}
        series = series_page_model().objects.filter(path__in=parents).order_by("title")
        return [(str(pk), title) for pk, title in series.values_list("pk", "title")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        value = self.value()
        if not value:
            return queryset
        series = series_page_model().objects.filter(pk=value if value.isdigit() else None).first()
        if series is None:
            return queryset.none()
        return queryset.filter(
            session__path__startswith=series.path, session__depth=series.depth + 1
        )


class MunicipalityFilter(SimpleListFilter):
    """Registrations from one municipality or region, offered by name, only those that occur."""

    title = _("municipality or region")
    parameter_name = "municipality"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        # modeladmin builds its filters twice per request: read the codes once.
        choices = getattr(request, "_wagtail_webinars_municipality_choices", None)
        if choices is None:
            choices = sorted(
                ((code, municipality_label(code)) for code in self.codes(request.user)),
                key=lambda choice: swedish_sort_key(choice[1]),
            )
            request._wagtail_webinars_municipality_choices = choices
        return choices

    @staticmethod
    def codes(user: Any) -> list[str]:
        if page_access.reaches_every_page(user) and can_view_registrations(user):
            return all_codes_in_use()
        return codes_in_use(visible_registrations(user))

    def queryset(self, request: Any, queryset: Any) -> Any:
        value = self.value()
        return queryset.filter(municipality_code=value) if value else queryset


def codes_in_use(registrations: Any) -> list[str]:
    """The municipality and region codes that ``registrations`` name."""
    return list(
        registrations.exclude(municipality_code="")
        .order_by()
        .values_list("municipality_code", flat=True)
        .distinct()
    )


def all_codes_in_use() -> list[str]:
    """The codes that any registration names. On PostgreSQL a "loose index scan" (a recursive
    query that jumps from one code to the next in the index) reads a few hundred index entries
    instead of every row: 1 ms instead of 80 at 100,000 registrations."""
    if connection.vendor != "postgresql":
        return codes_in_use(Registration.objects.all())
    table = connection.ops.quote_name(Registration._meta.db_table)
    column = connection.ops.quote_name(Registration._meta.get_field("municipality_code").column)
    sql = f"""
        WITH RECURSIVE codes(code) AS (
            (SELECT {column} FROM {table} WHERE {column} > '' ORDER BY {column} LIMIT 1)
            UNION ALL
            SELECT (SELECT {column} FROM {table} WHERE {column} > codes.code
                    ORDER BY {column} LIMIT 1)
            FROM codes WHERE codes.code IS NOT NULL
        )
        SELECT code FROM codes WHERE code IS NOT NULL
    """  # noqa: S608 (names from the model's metadata, quoted; no input)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


class RegisteredFilter(DateFieldListFilter):
    """The registration date ("Idag", "Senaste 7 dagarna", …), titled as a date, not as the
    field's "anmäld"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("registration date")

"""Feedback in Wagtail's admin: a panel on every page's edit view, and a report. Both read the
answers from the feedback service's model (``FeedbackService.get_feedback_model()``).

The panel: Wagtail 7.0 and 8 have no hook that adds a side panel to the page editor of every page
type (``get_side_panels()`` is fixed in ``EditView``), and a ``Panel`` in ``content_panels``
would reach only our own page types. So ``insert_editor_js`` loads a small script that fetches
the panel from ``feedback_panel`` (a normal admin view with its own permission check) and adds it,
in Wagtail's own panel markup, at the end of the editor's first tab. The same view takes the
per-page switch, which the script saves on its own when it changes: it is no part of the page's
form, and a note under it says so.

The report is Wagtail's ``ReportView`` (with its CSV and XLSX export): one row per page (or per
path for URLs that are not pages), sortable by share of "yes" and by number of answers, filtered
by site, section and period.
"""

from __future__ import annotations

import django_filters
import swapper
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Site
from wagtail.permissions import ModelPermissionPolicy

from .. import page_access
from ..audit import LoggedExportMixin
from ..dates import admin_datetime
from ..exports import SafeCSVExportMixin
from .page_switch import feedback_disabled_page_ids, set_feedback_enabled
from .services import get_feedback_service

PANEL_COMMENTS = 5

EXPORT_FEEDBACK = "wagtail_webinars_feedback.export_report"


class FeedbackExportFormatter(LogFormatter):
    """The entry an export of the report writes against each site in it."""

    label = _("Export the feedback report")

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        rows = int(data.get("rows") or 0)
        return ngettext(
            "Feedback report exported as %(format)s (%(rows)d page or path of this site)",
            "Feedback report exported as %(format)s (%(rows)d pages or paths of this site)",
            rows,
        ) % {"rows": rows, "format": str(data.get("format") or "csv").upper()}


def register_log_actions(actions) -> None:
    actions.register_action(EXPORT_FEEDBACK)(FeedbackExportFormatter)


def feedback_model():
    """The model the site's feedback service saves answers in."""
    return get_feedback_service().get_feedback_model()


def view_permission() -> str:
    """``"<app_label>.view_<model>"`` of that model: who holds it sees answers and comments."""
    opts = feedback_model()._meta
    return f"{opts.app_label}.view_{opts.model_name}"


def page_summary(page) -> dict:
    """Counts for one page: all answers, and those since the current version was published."""
    answers = feedback_model().objects.filter(page_id=page.pk)
    counts = answers.aggregate(
        yes=Count("pk", filter=Q(helpful=True)),
        no=Count("pk", filter=Q(helpful=False)),
        yes_since=Count("pk", filter=Q(helpful=True, page_published_at=page.last_published_at)),
        no_since=Count("pk", filter=Q(helpful=False, page_published_at=page.last_published_at)),
    )
    total = counts["yes"] + counts["no"]
    total_since = counts["yes_since"] + counts["no_since"]
    return {
        **counts,
        "total": total,
        "share": round(100 * counts["yes"] / total) if total else None,
        "total_since": total_since,
        "share_since": round(100 * counts["yes_since"] / total_since) if total_since else None,
        "comments": list(answers.exclude(comment="").order_by("-created_at")[:PANEL_COMMENTS]),
    }


@require_http_methods(["GET", "POST"])
def feedback_panel(request: HttpRequest, page_id: int) -> HttpResponse:
    """The edit view's feedback panel for one page; POST sets the page's feedback switch."""
    page = get_object_or_404(swapper.load_model("wagtailcore", "Page"), pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if request.method == "POST":
        set_feedback_enabled(page, request.POST.get("enabled") == "on")
        if request.headers.get("X-Requested-With") != "fetch":
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "wagtail_webinars/feedback/admin/panel.html",
        {
            "page": page,
            "summary": page_summary(page),
            "enabled": page.pk not in feedback_disabled_page_ids(),
            "action_url": reverse("wagtail_webinars_feedback:panel", args=[page.pk]),
            "report_url": reverse("wagtail_webinars_feedback:report"),
        },
    )


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


def section_choices(request):
    """Sections: the root page of each site and the pages directly under it."""
    page_model = swapper.load_model("wagtailcore", "Page")
    return page_model.objects.filter(depth__in=[2, 3]).order_by("path")


class FeedbackReportFilterSet(WagtailFilterSet):
    site = django_filters.ModelChoiceFilter(label=_("Site"), queryset=Site.objects.all())
    section = django_filters.ModelChoiceFilter(
        label=_("Section"), queryset=section_choices, method="filter_section"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Period"), widget=DateRangePickerWidget
    )

    def filter_section(self, queryset, name, value):
        return queryset.filter(page__path__startswith=value.path)


class CommentsColumn(Column):
    cell_template_name = "wagtail_webinars/feedback/admin/comments_cell.html"


class PercentColumn(Column):
    """A share (0…1) as a whole percentage; empty when there is nothing to share."""

    def get_value(self, instance):
        share = instance.get(self.name)
        return "" if share is None else f"{round(100 * share)} %"


def _row_url(row: dict) -> str:
    if row["page"]:
        return reverse("wagtailadmin_pages:edit", args=[row["page"]])
    return row["target_path"] or ""


def _share(yes: int, total: int) -> float | None:
    return yes / total if total else None


def _site_relative_path(url_path: str, root_url_path: str) -> str:
    """``/home/bygga/`` on a site whose root is ``/home/`` → ``/bygga/``."""
    if root_url_path and url_path.startswith(root_url_path):
        return "/" + url_path[len(root_url_path) :]
    return url_path


class FeedbackReportPaginator(WagtailPaginator):
    """Counts the report's rows and the answers they hold in one query, so the footer says how
    many pages and how many answers there are (a row is a page or path, not an answer)."""

    @cached_property
    def totals(self) -> dict:
        # Django's aggregate() cannot sum an aggregate of a grouped values() queryset (it loses
        # the inner annotation), so the grouped query is wrapped by hand: still one query.
        queryset = self.object_list.order_by()
        sql, params = queryset.query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), SUM(answers) FROM ({sql}) AS report_rows", params)  # noqa: S608 (Django compiled the inner SQL; the values stay parameters)
            rows, answers = cursor.fetchone()
        # PostgreSQL sums to a Decimal.
        return {"rows": int(rows or 0), "answers": int(answers or 0)}

    @cached_property
    def count(self) -> int:
        return self.totals["rows"]

    @cached_property
    def items_count_label(self) -> str:
        rows, answers = self.totals["rows"], self.totals["answers"]
        return (
            ngettext("%(rows)d page or path", "%(rows)d pages or paths", rows) % {"rows": rows}
            + ", "
            + ngettext("%(answers)d answer", "%(answers)d answers", answers) % {"answers": answers}
        )


class FeedbackReportView(LoggedExportMixin, SafeCSVExportMixin, ReportView):
    """Pages by share of "yes" (least helpful first) or by number of answers, with comments.

    A page of the report costs a fixed number of queries however many rows and comments it shows:
    the rows and the footer's totals are one grouped query each, the comments one query (the
    latest three per row, or all of them in an export), and, for an editor who is not a
    superuser, one query for which of the rows' pages they reach. Everyone who may view feedback
    sees every row's counts; the comments, which visitors wrote, only on the pages the editor may
    edit or publish (``page_access``), and on answers about paths that are not pages, only when
    they reach the site's root page.
    """

    page_title = _("Page feedback")
    header_icon = "help"
    index_url_name = "wagtail_webinars_feedback:report"
    index_results_url_name = "wagtail_webinars_feedback:report_results"
    filterset_class = FeedbackReportFilterSet
    paginator_class = FeedbackReportPaginator
    permission_required = "view"
    default_ordering = "share"
    paginate_by = 50
    comments_per_row = 3
    columns = [
        TitleColumn("label", label=_("Page or path"), get_url=_row_url),
        Column("url_path", label=_("Path")),
        Column("site_name", label=_("Site")),
        Column("answers", label=_("Answers"), sort_key="answers"),
        Column("yes", label=_("Yes")),
        Column("no", label=_("No")),
        PercentColumn("share", label=_("Share of yes"), sort_key="share"),
        PercentColumn("share_since", label=_("Share of yes since last published")),
        CommentsColumn("comments", label=_("Latest comments")),
    ]
    # The columns of earlier releases first, in their order; the comments stay last.
    list_export = [
        "label",
        "site_name",
        "answers",
        "yes",
        "no",
        "share_percent",
        "url_path",
        "answers_since",
        "share_since_percent",
        "all_comments",
    ]
    export_headings = {
        "label": _("Page or path"),
        "url_path": _("Path"),
        "site_name": _("Site"),
        "answers": _("Answers"),
        "yes": _("Yes"),
        "no": _("No"),
        "share_percent": _("Share of yes (%)"),
        "answers_since": _("Answers since last published"),
        "share_since_percent": _("Share of yes since last published (%)"),
        "all_comments": _("Comments"),
    }

    @property
    def permission_policy(self) -> ModelPermissionPolicy:
        return ModelPermissionPolicy(feedback_model())

    def get_filterset_kwargs(self) -> dict:
        # The filter set names no model of its own: the answers are the service's model's.
        return {**super().get_filterset_kwargs(), "queryset": feedback_model().objects.all()}

    def get_filename(self) -> str:
        return f"feedback-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        answers = self.filter_queryset(feedback_model().objects.all())
        since = Q(page_published_at=F("page__last_published_at"))
        rows = (
            answers.annotate(
                # Answers about a page are grouped by page, whatever its path was then.
                target_path=Case(When(page__isnull=True, then=F("path")), default=Value(""))
            )
            .values(
                "page",
                "target_path",
                "page__title",
                "page__url_path",
                "site",
                "site__site_name",
                "site__hostname",
                "site__root_page",
                "site__root_page__url_path",
            )
            .annotate(
                answers=Count("pk"),
                yes=Count("pk", filter=Q(helpful=True)),
                no=Count("pk", filter=Q(helpful=False)),
                answers_since=Count("pk", filter=since),
                yes_since=Count("pk", filter=since & Q(helpful=True)),
                comment_count=Count("pk", filter=~Q(comment="")),
            )
            .annotate(
                share=ExpressionWrapper(
                    Cast(F("yes"), FloatField()) / Cast(F("answers"), FloatField()),
                    output_field=FloatField(),
                )
            )
        )
        ordering = self.ordering or "share"
        tiebreak = "-answers" if ordering.lstrip("-") == "share" else "share"
        return rows.order_by(ordering, tiebreak, "page", "target_path")

    def get_filtered_queryset(self):
        # get_queryset() filtered the answers before grouping them; filtering the grouped
        # rows again would filter on aggregates.
        return self.get_queryset()

    def log_export(self, queryset, export_format: str) -> None:
        """One entry per site whose answers are in the file (Reports → Site history)."""
        rows_per_site: dict[int, int] = {}
        for row in queryset:
            if row["site"]:
                rows_per_site[row["site"]] = rows_per_site.get(row["site"], 0) + 1
        for site in Site.objects.filter(pk__in=list(rows_per_site)):
            log(
                site,
                EXPORT_FEEDBACK,
                user=self.request.user,
                data={"format": export_format, "rows": rows_per_site[site.pk]},
            )

    def _reached_page_ids(self, rows: list[dict]) -> set[int] | None:
        """Which of the rows' pages (or, for a path, its site's root) the editor reaches; None
        for a superuser, who reaches all."""
        user = self.request.user
        if page_access.reaches_every_page(user):
            return None
        wanted = {row["page"] or row["site__root_page"] for row in rows} - {None}
        if not wanted:
            return set()
        return set(
            page_access.reachable_pages(user).filter(pk__in=wanted).values_list("pk", flat=True)
        )

    def _comments_for(self, rows: list[dict], reached: set[int] | None) -> dict[tuple, list]:
        """The comments of the rows the editor reaches, newest first, in one query: the latest
        ``comments_per_row`` of each row on a page of the report, all of them in an export."""
        shown = [
            row
            for row in rows
            if reached is None or (row["page"] or row["site__root_page"]) in reached
        ]
        page_ids = [row["page"] for row in shown if row["page"]]
        paths = [row["target_path"] for row in shown if not row["page"]]
        if not (page_ids or paths):
            return {}
        comments = (
            self.filter_queryset(feedback_model().objects.exclude(comment=""))
            .filter(Q(page_id__in=page_ids) | Q(page__isnull=True, path__in=paths))
            .annotate(target_path=Case(When(page__isnull=True, then=F("path")), default=Value("")))
        )
        if not self.is_export:
            comments = comments.annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("page_id"), F("target_path")],
                    order_by=[F("created_at").desc(), F("pk").desc()],
                )
            ).filter(position__lte=self.comments_per_row)
        grouped: dict[tuple, list] = {}
        for answer in comments.order_by("-created_at", "-pk").values(
            "page_id", "target_path", "comment", "created_at", "helpful"
        ):
            grouped.setdefault((answer["page_id"], answer["target_path"]), []).append(answer)
        return grouped

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        reached = self._reached_page_ids(rows)
        comments = self._comments_for(rows, reached)
        for row in rows:
            row_comments = comments.get((row["page"], row["target_path"]), [])
            row["label"] = row["page__title"] or row["target_path"]
            row["url_path"] = (
                _site_relative_path(row["page__url_path"], row["site__root_page__url_path"] or "")
                if row["page"]
                else row["target_path"]
            )
            row["site_name"] = row["site__site_name"] or row["site__hostname"] or ""
            row["comments_hidden"] = reached is not None and (
                (row["page"] or row["site__root_page"]) not in reached
            )
            row["comments"] = row_comments[: self.comments_per_row]
            row["all_comments"] = "\n\n".join(
                f"{admin_datetime(c['created_at'])}: {c['comment']}" for c in row_comments
            )
            row["share_percent"] = round(100 * row["share"]) if row["share"] is not None else ""
            row["share_since"] = _share(row["yes_since"], row["answers_since"])
            row["share_since_percent"] = (
                round(100 * row["share_since"]) if row["share_since"] is not None else ""
            )
        return rows


class FeedbackReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(view_permission())


def report_menu_item() -> FeedbackReportMenuItem:
    return FeedbackReportMenuItem(
        _("Page feedback"),
        reverse("wagtail_webinars_feedback:report"),
        name="wagtail-webinars-feedback",
        icon_name="help",
        order=1000,
    )


def admin_urls() -> list:
    return [path("webinars/feedback/", include_patterns())]


def include_patterns():
    return include(
        (
            [
                path("report/", FeedbackReportView.as_view(), name="report"),
                path(
                    "report/results/",
                    FeedbackReportView.as_view(results_only=True),
                    name="report_results",
                ),
                path("pages/<int:page_id>/panel/", feedback_panel, name="panel"),
            ],
            "wagtail_webinars_feedback",
        ),
        namespace="wagtail_webinars_feedback",
    )


def editor_js() -> str:
    """The script that shows the feedback panel in the page editor."""
    return format_html(
        '<script src="{}" data-ww-feedback-panel-url="{}" defer></script>',
        static("wagtail_webinars/js/feedback_admin.js"),
        reverse("wagtail_webinars_feedback:panel", args=[0]),
    )


def feedback_permissions():
    """The permission to see answers, offered in Wagtail's group editor."""
    opts = feedback_model()._meta
    return Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"view_{opts.model_name}"
    )

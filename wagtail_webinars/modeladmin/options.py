"""``RegistrationAdmin``: registrations per session with status and e-mail state, counts per
municipality, CSV export, and the cancel and resend actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import re_path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from wagtail.admin.widgets.button import Button, ButtonWithDropdown
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from .. import dates
from ..models.registrations import Registration, RegistrationEmail, RegistrationStatus
from ..registration import audit, retention
from . import export, filters, permissions, views


class RegistrationPermissionHelper(PermissionHelper):
    """Registrations are made only through ``services.register()``: editors list, inspect,
    export, cancel and resend; nobody adds, edits or deletes rows behind the rules' back.

    Who sees what (``permissions.py``): the model permission ``view_registration``, and then only
    the registrations of sessions the editor reaches by Wagtail's page permissions. Editing a page
    does not by itself show who registered; nor does ``change_registration`` without ``view``.
    """

    def user_can_list(self, user: Any) -> bool:
        return permissions.can_view_registrations(user)

    def user_can_inspect_obj(self, user: Any, obj: Any) -> bool:
        return self.inspect_view_enabled and permissions.can_view_registration(user, obj)

    def user_can_create(self, user: Any) -> bool:
        return False

    def user_can_edit_obj(self, user: Any, obj: Any) -> bool:
        return False

    def user_can_delete_obj(self, user: Any, obj: Any) -> bool:
        return False

    def user_can_manage(self, user: Any) -> bool:
        """Cancel and resend: the model's change permission, beside the view permission."""
        return permissions.can_manage_registrations(user)


class RegistrationButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not self.permission_helper.user_can_manage(self.request.user):
            return buttons
        pk = obj.pk
        buttons.append(
            {
                "url": self.url_helper.get_action_url("resend", pk),
                "label": _("Resend e-mail"),
                "classname": self.finalise_classname(["button-secondary"]),
                "title": _("Send the confirmation or waiting-list e-mail again"),
            }
        )
        if obj.status == RegistrationStatus.WAITLISTED:
            buttons.append(
                {
                    "url": self.url_helper.get_action_url("promote", pk),
                    "label": _("Give a place"),
                    "classname": self.finalise_classname(["button-secondary"]),
                    "title": _("Move from the waiting list to a place"),
                }
            )
        if obj.is_active:
            buttons.append(
                {
                    "url": self.url_helper.get_action_url("cancel", pk),
                    "label": _("Cancel registration"),
                    "classname": self.finalise_classname(["button-secondary", "no"]),
                    "title": _("Cancel this registration"),
                }
            )
        return buttons


class RowActions:
    """A column of the list: a row's buttons (inspect, resend, cancel) in Wagtail's own
    dropdown, as in Wagtail's page and snippet listings, instead of stubs under the name.
    Built per request in ``RegistrationAdmin.get_list_display()``, for that user's buttons."""

    short_description = pgettext_lazy("registrations list column", "Actions")
    # Django's list headers name a callable column by its __name__ (its CSS class, too).
    __name__ = "actions"

    def __init__(self, model_admin: ModelAdmin, request: HttpRequest) -> None:
        # The helper needs a model, a permission helper and a URL helper: the model admin has all.
        self.helper = model_admin.get_button_helper_class()(model_admin, request)

    def __call__(self, obj: Registration) -> str:
        buttons = [
            Button(button["label"], url=button["url"], priority=index)
            for index, button in enumerate(self.helper.get_buttons_for_obj(obj))
        ]
        return ButtonWithDropdown(
            icon_name="dots-horizontal",
            attrs={"aria-label": _("Actions for %(name)s") % {"name": obj.name}},
            buttons=buttons,
        ).render_html({"request": self.helper.request})


class RegistrationIndexView(IndexView):
    """The registrations list and its export (``RegistrationAdmin.export_class``: streamed, no
    spreadsheet formulas). Superusers also see how many registrations the retention rule will
    erase on its next run. Every file is written to the history of each session it holds
    (``log_export()``), before it is written; an XLSX refused for its size is not logged."""

    def log_export(self, queryset: Any, export_format: str) -> None:
        audit.log_registrations_export(queryset, export_format, user=self.request.user)

    def get_buttons_for_obj(self, obj: Registration) -> list:
        """None under the name (it links to the record): they are in the "Actions" column."""
        return []

    def as_spreadsheet(self, queryset, spreadsheet_format):
        exporter = self.model_admin.export_class(queryset)
        filename = self.get_filename()
        if spreadsheet_format == self.FORMAT_CSV:
            self.log_export(queryset, spreadsheet_format)
            return exporter.csv_response(filename)
        limit = export.xlsx_row_limit()
        if export.count_at_most(queryset, limit) > limit:
            messages.warning(
                self.request,
                _(
                    "The export has more than %(limit)s rows, too many for an XLSX file. "
                    "Download it as CSV instead; it opens in Excel too."
                )
                % {"limit": f"{limit:,}".replace(",", "\u00a0")},
            )
            params = self.request.GET.copy()
            params.pop(self.EXPORT_VAR, None)
            return redirect(f"{self.request.path}?{params.urlencode()}")
        self.log_export(queryset, spreadsheet_format)
        return exporter.xlsx_response(filename)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["user_can_manage"] = self.permission_helper.user_can_manage(self.request.user)
        if self.request.user.is_superuser:
            context["purge_due"] = retention.due_for_purge().count()
            run = context["purge_last_run"] = retention.last_run()
            context["purge_last_run_at"] = dates.format_datetime(run.ran_at) if run else ""
        return context


class RegistrationAdmin(ModelAdmin):
    """Registrations in Wagtail's admin ("Anmälningar")."""

    model = Registration
    menu_label = _("Registrations")
    menu_icon = "group"
    menu_order = 250
    add_to_settings_menu = False
    # In the "Webinarier" menu (wagtail_hooks.py), not a menu item of its own.
    add_to_admin_menu = False
    inspect_view_enabled = True
    permission_helper_class = RegistrationPermissionHelper
    button_helper_class = RegistrationButtonHelper
    index_template_name = "wagtail_webinars/modeladmin/registration_index.html"
    index_view_class = RegistrationIndexView
    history_view_class = permissions.RegistrationHistoryView
    # One column per fact, the address left to the record and the search (at 1,280 px it broke
    # mid-word); the row's buttons are in the "Actions" column that get_list_display() adds
    # beside the name.
    list_display = (
        "name",
        "webinar",
        "status",
        "places",
        "municipality",
        "registered",
        "email_state",
    )
    index_view_extra_css = ["wagtail_webinars/css/admin.css"]
    list_filter = (
        "status",
        filters.SeriesFilter,
        filters.SessionFilter,
        filters.MunicipalityFilter,
        ("created_at", filters.RegisteredFilter),
    )
    list_select_related = ("session",)
    search_fields = ("name", "email", "organisation")
    ordering = ("-created_at",)
    export_filename = "registrations"
    #: Builds the CSV and XLSX files: columns, rows and cells (see ``export.py``).
    export_class = export.RegistrationExport
    inspect_view_class = views.RegistrationInspectView
    inspect_template_name = "wagtail_webinars/modeladmin/registration_inspect.html"

    def get_list_display(self, request: HttpRequest) -> tuple:
        # modeladmin asks for the columns once per cell: build them once per request.
        columns = getattr(request, "_wagtail_webinars_list_display", None)
        if columns is None:
            # Beside the name, as Wagtail's listings put a row's "more" menu by its title.
            name, *rest = self.list_display
            columns = (name, RowActions(self, request), *rest)
            request._wagtail_webinars_list_display = columns
        return columns

    def get_list_export(self, request: HttpRequest) -> tuple[str, ...]:
        """The fields the export reads (its columns are ``export_class``'s); shows the buttons."""
        return self.export_class.fields

    def get_queryset(self, request: HttpRequest):
        return permissions.visible_registrations(
            request.user, super().get_queryset(request)
        ).prefetch_related(
            Prefetch("emails", queryset=RegistrationEmail.objects.order_by("created_at", "pk"))
        )

    # -- columns -------------------------------------------------------------------------------

    @staticmethod
    def _latest_email(obj: Registration) -> RegistrationEmail | None:
        emails = list(obj.emails.all())
        return emails[-1] if emails else None

    def email_state(self, obj: Registration) -> str:
        """The last e-mail: its kind, whether it went out, and what the provider reported."""
        email = self._latest_email(obj)
        if email is None:
            return "–"
        parts = [email.get_kind_display(), email.get_state_display()]
        if email.delivery_state:
            parts.append(email.get_delivery_state_display())
        return ": ".join(parts[:2]) + (f" ({parts[2]})" if len(parts) > 2 else "")

    email_state.short_description = _("Last e-mail")

    def webinar(self, obj: Registration) -> str:
        """The session's title and its start: sessions of a series often share a title."""
        session = obj.session
        return format_html(
            '{}<span class="ww-admin-secondary">{}</span>',
            session.title,
            dates.admin_datetime(session.start) if session.start else "",
        )

    webinar.short_description = _("Webinar")
    webinar.admin_order_field = "session__start"

    def registered(self, obj: Registration) -> str:
        return dates.admin_datetime(obj.created_at)

    registered.short_description = _("Registered")
    registered.admin_order_field = "created_at"

    def municipality(self, obj: Registration) -> str:
        return obj.municipality_label

    municipality.short_description = _("Municipality or region")

    # -- extra views ---------------------------------------------------------------------------

    def get_admin_urls_for_registration(self):
        urls = super().get_admin_urls_for_registration()
        helper = self.url_helper
        return urls + (
            re_path(
                helper.get_action_url_pattern("cancel"),
                views.cancel_view(self),
                name=helper.get_action_url_name("cancel"),
            ),
            re_path(
                helper.get_action_url_pattern("promote"),
                views.promote_view(self),
                name=helper.get_action_url_name("promote"),
            ),
            re_path(
                helper._get_action_url_pattern("add"),
                views.add_view(self),
                name=helper.get_action_url_name("add"),
            ),
            re_path(
                helper.get_action_url_pattern("resend"),
                views.resend_view(self),
                name=helper.get_action_url_name("resend"),
            ),
            re_path(
                helper._get_action_url_pattern("municipalities"),
                views.municipality_counts_view(self),
                name=helper.get_action_url_name("municipalities"),
            ),
            re_path(
                helper._get_action_url_pattern("statistics"),
                views.statistics_view(self),
                name=helper.get_action_url_name("statistics"),
            ),
            re_path(
                helper._get_action_url_pattern("person"),
                views.person_request_view(self),
                name=helper.get_action_url_name("person"),
            ),
        )

"""``RegistrationAdmin``: registrations per session with status and e-mail state, counts per
municipality, CSV export, and the cancel and resend actions."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from ..audit import LoggedExportMixin
from ..exports import SafeCSVExportMixin
from ..models.registrations import Registration, RegistrationEmail
from ..registration import audit, retention
from . import permissions, views


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


class RegistrationIndexView(LoggedExportMixin, SafeCSVExportMixin, IndexView):
    """The registrations list; its CSV export cannot carry spreadsheet formulas. Superusers also
    see how many registrations the retention rule will erase on its next run. Every export is
    written to the history of each session it holds."""

    def log_export(self, queryset: Any, export_format: str) -> None:
        audit.log_registrations_export(queryset, export_format, user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.request.user.is_superuser:
            context["purge_due"] = retention.due_for_purge().count()
        return context


class RegistrationAdmin(ModelAdmin):
    """Registrations in Wagtail's admin ("Anmälningar")."""

    model = Registration
    menu_label = _("Registrations")
    menu_icon = "group"
    menu_order = 250
    add_to_settings_menu = False
    inspect_view_enabled = True
    permission_helper_class = RegistrationPermissionHelper
    button_helper_class = RegistrationButtonHelper
    index_template_name = "wagtail_webinars/modeladmin/registration_index.html"
    index_view_class = RegistrationIndexView
    inspect_view_class = permissions.RegistrationInspectView
    history_view_class = permissions.RegistrationHistoryView
    list_display = (
        "name",
        "email",
        "session",
        "status",
        "places",
        "municipality",
        "email_state",
        "created_at",
    )
    list_filter = ("status", "session")
    list_select_related = ("session",)
    search_fields = ("name", "email", "organisation")
    ordering = ("-created_at",)
    list_export = (
        "session",
        "status",
        "name",
        "email",
        "organisation",
        "municipality_code",
        "municipality",
        "further_participants",
        "places",
        "answers_text",
        "question_to_speaker",
        "consent_text",
        "created_at",
        "email_state",
    )
    export_filename = "registrations"
    inspect_view_fields = (
        "session",
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
        "language",
        "created_at",
        "promoted_at",
        "cancelled_at",
    )

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

    email_state.short_description = _("E-mail")

    def municipality(self, obj: Registration) -> str:
        return obj.municipality_label

    municipality.short_description = _("Municipality or region")

    def further_participants(self, obj: Registration) -> str:
        return "; ".join(obj.participants or [])

    further_participants.short_description = _("Further participants")

    def answers_text(self, obj: Registration) -> str:
        return "; ".join(f"{key}: {value}" for key, value in (obj.answers or {}).items())

    answers_text.short_description = _("Answers")

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
                helper._get_action_url_pattern("person"),
                views.person_request_view(self),
                name=helper.get_action_url_name("person"),
            ),
        )

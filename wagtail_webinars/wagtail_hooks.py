"""Registers this app's snippets and admin pieces with Wagtail. Registration only: no side effects."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ContactPerson, Notice, Speaker, TechnicalHelpFAQ


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    list_display = ["name", "title", "organisation"]
    # No search_fields: the model's own search index is used. Naming fields here makes
    # Wagtail's SQLite search backend fail ("no such column: name").


class ContactPersonViewSet(SnippetViewSet):
    model = ContactPerson
    icon = "mail"
    list_display = ["name", "role", "email", "phone"]


class NoticeViewSet(SnippetViewSet):
    model = Notice
    icon = "warning"
    list_display = ["title", "show_from", "show_until"]


class TechnicalHelpFAQViewSet(SnippetViewSet):
    model = TechnicalHelpFAQ
    icon = "help"
    list_display = ["title"]


class WebinarSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Webinars")
    menu_icon = "calendar-alt"
    menu_name = "wagtail_webinars"
    items = (SpeakerViewSet, ContactPersonViewSet, NoticeViewSet, TechnicalHelpFAQViewSet)


register_snippet(WebinarSnippetsGroup)


# Feedback widget: the report, the edit-view panel and the permission to see answers.
from wagtail import hooks  # noqa: E402

from . import feedback_admin  # noqa: E402

hooks.register("register_admin_urls", feedback_admin.admin_urls)
hooks.register("register_reports_menu_item", feedback_admin.report_menu_item)
hooks.register("insert_editor_js", feedback_admin.editor_js)
hooks.register("register_permissions", feedback_admin.feedback_permissions)


# Registrations admin (wagtail-modeladmin, its own sub-package): list, counts, export, actions.
from wagtail_modeladmin.options import modeladmin_register  # noqa: E402

from .modeladmin import RegistrationAdmin  # noqa: E402

modeladmin_register(RegistrationAdmin)

"""Registers the webinar snippets and the registrations admin with Wagtail. Registration only:
no side effects. (The feedback app registers its report and panel in its own wagtail_hooks.)"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.options import modeladmin_register

from .modeladmin import RegistrationAdmin
from .models import ContactPerson, Notice, Speaker, TechnicalHelpFAQ
from .registration import audit


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

# Registrations admin (wagtail-modeladmin, its own sub-package): list, counts, export, actions.
modeladmin_register(RegistrationAdmin)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    """The personal-data actions written to Wagtail's log, so the admin's history names them."""
    actions.register_action(
        "wagtail_webinars.erase_personal_data",
        _("Erase personal data"),
        _("Personal data erased at the person's request"),
    )
    # Exports, the counts per municipality, cancels and resends: in the session page's history.
    for action, formatter in audit.LOG_ACTIONS.items():
        actions.register_action(action)(formatter)

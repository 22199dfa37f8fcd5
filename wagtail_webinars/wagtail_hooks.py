"""Registers the webinar snippets and the registrations admin with Wagtail. Registration only:
no side effects. (The feedback app registers its report and panel in its own wagtail_hooks.)"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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


#: Items of the "Webinarier" menu from elsewhere: the registrations (below) and the feedback
#: app's report. A host adds its own with ``@hooks.register("register_wagtail_webinars_menu_item")``.
WEBINARS_MENU_HOOK = "register_wagtail_webinars_menu_item"


class WebinarSnippetsGroup(SnippetViewSetGroup):
    """The "Webinarier" menu: registrations first, then the snippets, then page feedback."""

    menu_label = _("Webinars")
    menu_icon = "calendar-alt"
    menu_name = "wagtail_webinars"
    items = (SpeakerViewSet, ContactPersonViewSet, NoticeViewSet, TechnicalHelpFAQViewSet)

    def get_submenu_items(self):
        # The snippets after the registrations (order 1), before page feedback (1000).
        items = super().get_submenu_items()
        for item in items:
            item.order += 10
        return items

    #: Wagtail 8 adds a hook's items to a group's menu itself (``submenu_hook``).
    submenu_hook = WEBINARS_MENU_HOOK

    def get_menu_item(self, order=None):
        item = super().get_menu_item(order)
        # Wagtail 7 has no submenu_hook: give it the menu Wagtail 8 builds, hook items included.
        item.menu = Menu(register_hook_name=WEBINARS_MENU_HOOK, items=self.get_submenu_items())
        return item


register_snippet(WebinarSnippetsGroup)

# Registrations admin (wagtail-modeladmin, its own sub-package): list, counts, export, actions;
# its menu item is the first of "Webinarier", not one of its own in the main menu.
registration_admin = RegistrationAdmin()
registration_admin.register_with_wagtail()


@hooks.register(WEBINARS_MENU_HOOK)
def registrations_menu_item():
    return registration_admin.get_menu_item(order=1)


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

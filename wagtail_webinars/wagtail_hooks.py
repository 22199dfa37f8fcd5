"""Registers this app's snippets and admin pieces with Wagtail. Registration only: no side effects."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from django.utils.translation import gettext_lazy as _

from .models import ContactPerson, Notice, Speaker, TechnicalHelpFAQ


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    list_display = ["name", "title", "organisation"]
    search_fields = ["name", "title", "organisation"]


class ContactPersonViewSet(SnippetViewSet):
    model = ContactPerson
    icon = "mail"
    list_display = ["name", "role", "email", "phone"]
    search_fields = ["name", "role", "organisation"]


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

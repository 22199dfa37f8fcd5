"""``RegistrationFormBlock``: "Anmäl dig" for a chosen session or series, on any page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .pagemodel import series_page_model_name, session_page_model_name


class WebinarPageChooserBlock(blocks.PageChooserBlock):
    """Chooses a session or series page: ours, or the site's own that replaces it (swapper).

    Leaves the page types out of its deconstruction, so the migrations of a StreamField that holds
    it are the same whether or not a site swaps our page types; otherwise ``makemigrations`` on
    such a site would write a migration into this package.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("page_type", [session_page_model_name(), series_page_model_name()])
        super().__init__(**kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs.pop("page_type", None)
        return name, args, kwargs


class RegistrationFormBlock(blocks.StructBlock):
    """A StreamField block that renders the registration form of the session or series an editor
    picks, so a host site can put "Anmäl dig" on a news item or a landing page.

    The form posts to our registration view, which shows it again with any errors, so the page
    that holds the block needs nothing else. Add it to a host page's StreamField like any block:
    ``("registration_form", RegistrationFormBlock())``.
    """

    page = WebinarPageChooserBlock(
        label=_("Webinar or series"),
        help_text=_("The session or series that visitors register for."),
    )

    #: It carries the visitor's CSRF token and the places left, so a page that holds it is not
    #: served from our fragment cache (wagtail_webinars.page_cache).
    renders_per_visitor = True

    class Meta:
        icon = "form"
        label = _("Registration form")
        template = "wagtail_webinars/includes/registration_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = value.get("page")
        # An unpublished, deleted or private (view-restricted) choice renders nothing: the
        # registration views take only live, public pages, and the block must not show a private
        # webinar's title, dates and questions on a public page.
        visible = page is not None and page.live and not page.get_view_restrictions().exists()
        context["target"] = page.specific if visible else None
        return context

"""StreamField blocks for a session's programme and a series' body.

Each block renders from a template under ``wagtail_webinars/blocks/`` so that a host overrides one
block's markup by placing a file at the same path.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .pagemodel import series_page_model_name, session_page_model_name

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    """A heading inside the programme; the level keeps the page's heading order intact."""

    text = blocks.CharBlock(label=_("Text"), max_length=255)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3")), ("h4", _("Heading 4"))],
        default="h3",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "wagtail_webinars/blocks/heading.html"


class BulletListBlock(blocks.StructBlock):
    intro = blocks.CharBlock(label=_("Introduction"), required=False, max_length=255)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item")), label=_("Items"))

    class Meta:
        icon = "list-ul"
        label = _("Bullet list")
        template = "wagtail_webinars/blocks/bullet_list.html"


class QuestionsNoteBlock(blocks.StructBlock):
    """ "Det kommer att finnas tid för frågor under sändningen"."""

    text = blocks.CharBlock(
        label=_("Text"),
        max_length=500,
        default=_("There will be time for questions during the broadcast."),
    )

    class Meta:
        icon = "help"
        label = _("Time for questions")
        template = "wagtail_webinars/blocks/questions_note.html"


class AfterBroadcastBlock(blocks.StructBlock):
    """What participants do after the broadcast: text, discussion questions, material."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=255, default=_("After the broadcast"))
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, required=False)
    discussion_questions = blocks.ListBlock(
        blocks.CharBlock(label=_("Question")),
        label=_("Discussion questions"),
        required=False,
        default=[],
    )
    documents = blocks.ListBlock(
        DocumentChooserBlock(label=_("Document")),
        label=_("Material to download"),
        required=False,
        default=[],
    )

    class Meta:
        icon = "clipboard-list"
        label = _("After the broadcast")
        template = "wagtail_webinars/blocks/after_broadcast.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=255)
    answer = blocks.RichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "wagtail_webinars/blocks/faq_item.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=255,
        required=False,
        help_text=_(
            "Describe the image for people who cannot see it. Leave empty if it is decorative."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=255, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "wagtail_webinars/blocks/image.html"


class EmbedWithTitleBlock(blocks.StructBlock):
    embed = EmbedBlock(label=_("Embed URL"))
    title = blocks.CharBlock(
        label=_("Title"),
        max_length=255,
        help_text=_("Describes the embedded content for screen reader users."),
    )

    class Meta:
        icon = "media"
        label = _("Embed")
        template = "wagtail_webinars/blocks/embed.html"


class TechnicalHelpBlock(blocks.StructBlock):
    faq = SnippetChooserBlock("wagtail_webinars.TechnicalHelpFAQ", label=_("Technical help FAQ"))

    class Meta:
        icon = "help"
        label = _("Technical help FAQ")
        template = "wagtail_webinars/blocks/technical_help.html"


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


#: Block names a session's programme and a series' body no longer offer: the page itself shows
#: the registration form and the feedback question, so a second copy in the programme only
#: duplicated them. Migration 0007 drops stored blocks of these types from our pages.
REMOVED_PROGRAMME_BLOCKS = ("registration_form", "feedback")


def programme_blocks() -> list[tuple[str, blocks.Block]]:
    """The blocks of a session's programme and a series' body.

    A function rather than a constant so that a page type of a site's own, built from our page
    mixins, can extend the list (``programme = StreamField(programme_blocks() + [...])``).
    ``RegistrationFormBlock`` and ``FeedbackBlock`` are not in it: the session and series pages
    show the form and the feedback question themselves. Both blocks are for a host's own pages
    (a news item, a landing page).
    """
    return [
        ("heading", HeadingBlock()),
        (
            "paragraph",
            blocks.RichTextBlock(label=_("Rich text"), features=RICH_TEXT_FEATURES, icon="pilcrow"),
        ),
        ("bullet_list", BulletListBlock()),
        ("questions_note", QuestionsNoteBlock()),
        ("after_broadcast", AfterBroadcastBlock()),
        ("faq", FAQItemBlock()),
        ("technical_help", TechnicalHelpBlock()),
        ("image", ImageBlock()),
        ("embed", EmbedWithTitleBlock()),
    ]


#: Host migrations (and ours) stored these blocks under the paths they had in 0.1.0's
#: development; Wagtail deconstructs a block to the path named here, so those migrations stay
#: valid and ``makemigrations`` sees no change (the old module re-exports them).
DECONSTRUCT_ALIASES = {
    WebinarPageChooserBlock: "wagtail_webinars.registration_blocks.WebinarPageChooserBlock",
    RegistrationFormBlock: "wagtail_webinars.registration_blocks.RegistrationFormBlock",
}

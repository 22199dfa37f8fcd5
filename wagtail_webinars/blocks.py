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

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    """A heading inside the programme; the level keeps the page's heading order intact."""

    text = blocks.CharBlock(label=_("Text"), max_length=255)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3")), ("h4", _("Heading 4"))],
        default="h2",
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
    """"Det kommer att finnas tid för frågor under sändningen"."""

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

    heading = blocks.CharBlock(
        label=_("Heading"), max_length=255, default=_("After the broadcast")
    )
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
        help_text=_("Describe the image for people who cannot see it. Leave empty if it is decorative."),
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


def programme_blocks() -> list[tuple[str, blocks.Block]]:
    """The blocks of a session's programme and a series' body.

    A function rather than a constant so that a subclass of our page mixins can extend the list
    (``super().programme_blocks() + [...]``) and so that blocks added by other parts of this app
    (registration, feedback) are picked up here.
    """
    from .feedback_blocks import FeedbackBlock
    from .registration_blocks import RegistrationFormBlock

    return [
        ("heading", HeadingBlock()),
        ("paragraph", blocks.RichTextBlock(label=_("Rich text"), features=RICH_TEXT_FEATURES, icon="pilcrow")),
        ("bullet_list", BulletListBlock()),
        ("questions_note", QuestionsNoteBlock()),
        ("after_broadcast", AfterBroadcastBlock()),
        ("faq", FAQItemBlock()),
        ("technical_help", TechnicalHelpBlock()),
        ("image", ImageBlock()),
        ("embed", EmbedWithTitleBlock()),
        ("registration_form", RegistrationFormBlock()),
        ("feedback", FeedbackBlock()),
    ]

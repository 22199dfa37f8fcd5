"""A plain Wagtail page, as a host site's own "standard page" is typically built: a StreamField
body of Wagtail's core blocks, rendered by a one-loop template extending the site's base.html.
Bench-only (no migrations; the bench creates its table with ``migrate --run-syncdb``)."""

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page


class PlainPage(Page):
    body = StreamField(
        [
            ("heading", blocks.CharBlock(template="plainpage/heading.html")),
            ("paragraph", blocks.RichTextBlock()),
            ("list", blocks.ListBlock(blocks.CharBlock(), template="plainpage/list.html")),
        ],
        blank=True,
    )

    template = "plainpage/plain_page.html"

    class Meta:
        app_label = "plainpage"

"""The feedback widget as a StreamField block, for a site that wants it on single pages only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class FeedbackBlock(blocks.StaticBlock):
    """Shows "Hjälpte informationen på sidan dig?" where the editor puts it.

    Renders the same widget as ``{% webinar_feedback %}``, once per page even when the site's
    base.html has the tag too, and not at all when the page's feedback switch is off.
    """

    #: It shows the visitor's own state (thanks, the comment box), so a page that holds it is
    #: not served from our fragment cache (wagtail_webinars.page_cache).
    renders_per_visitor = True

    class Meta:
        label = _("Feedback question")
        icon = "help"
        template = "wagtail_webinars/feedback/block.html"
        admin_text = _('Asks visitors "Did the information on this page help you?" here.')


#: Migrations stored the block under its 0.1.0-development path; Wagtail deconstructs it to the
#: path named here, so they stay valid (``wagtail_webinars.feedback_blocks`` re-exports it).
DECONSTRUCT_ALIASES = {FeedbackBlock: "wagtail_webinars.feedback_blocks.FeedbackBlock"}

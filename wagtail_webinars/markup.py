"""Fixes to the HTML of the programme that only the rendered whole can make: a heading outline
that skips no level, and a title on every embedded frame (WCAG 1.3.1 and 4.1.2)."""

from __future__ import annotations

import re

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# An editor picks heading levels block by block, and rich text and the "after the broadcast" block
# bring their own; only the whole rendered stream shows whether a level is skipped. The tags
# matched are the ones our own templates and Wagtail's rich text write, never visitor input.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)


def keep_heading_outline(html: str, parent_level: int = 2, top_level: int = 2) -> str:
    """Re-level the headings in ``html`` so that none skips a level.

    ``parent_level`` is the level of the heading the fragment sits under: the first heading may be
    at most one deeper, and each later one at most one deeper than the one before it. No heading
    rises above ``top_level``, so a fragment never adds a second h1. Levels an editor chose that
    already fit are left alone.
    """
    current = parent_level
    open_levels: list[int] = []

    def relevel(match: re.Match) -> str:
        nonlocal current
        closing, level = match.group(1), int(match.group(2))
        if closing:
            new_level = open_levels.pop() if open_levels else level
        else:
            new_level = max(top_level, min(level, current + 1, 6))
            open_levels.append(new_level)
            current = new_level
        return f"<{closing}h{new_level}"

    return _HEADING_TAG.sub(relevel, html)


_UNTITLED_IFRAME = re.compile(r"<iframe\b(?![^>]*\stitle=)", re.IGNORECASE)


def titled_iframes(html: str, title: str) -> SafeString:
    """Give each ``<iframe>`` in embed HTML a title, so screen readers can name the frame.

    oEmbed providers often send frames without one (WCAG 4.1.2); a title they did send is kept.
    """
    html = str(html)
    if not title:
        return mark_safe(html)  # noqa: S308  provider HTML, rendered as Wagtail renders embeds
    attribute = format_html(' title="{}"', title)
    return mark_safe(_UNTITLED_IFRAME.sub(lambda match: match.group(0) + attribute, html))  # noqa: S308

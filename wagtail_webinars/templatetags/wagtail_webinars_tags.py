"""Template tags and filters of wagtail_webinars: ``{% load wagtail_webinars_tags %}``."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import template
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from ..conf import webinar_settings

register = template.Library()


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value, zoneinfo.ZoneInfo(webinar_settings.TIME_ZONE))


def webinar_date_format() -> str:
    # Translators: a Django date format for a session's day, e.g. "tisdag 13 mars 2027".
    return pgettext("webinar date format", "l j F Y")


def webinar_time_format() -> str:
    # Translators: a Django time format; Swedish writes "10.00".
    return pgettext("webinar time format", "H:i")


@register.filter
def webinar_local(value: datetime.datetime | None) -> datetime.datetime | None:
    """The datetime in the webinars' time zone (Europe/Stockholm by default)."""
    return _local(value) if value else value


@register.simple_tag
def webinar_timespan(start: datetime.datetime, end: datetime.datetime) -> str:
    """"tisdag 13 mars 2027 kl. 10.00–11.30", as the active language writes it.

    Day and month names come from Django's localisation; only the patterns are translated.
    """
    start, end = _local(start), _local(end)
    day = formats.date_format(start, webinar_date_format())
    start_time = formats.time_format(start, webinar_time_format())
    end_time = formats.time_format(end, webinar_time_format())
    if start.date() == end.date():
        # Translators: {day} is a date, {start}/{end} are times: "tisdag 13 mars 2027 kl. 10.00–11.30"
        return pgettext("webinar timespan", "{day}, {start}–{end}").format(
            day=day, start=start_time, end=end_time
        )
    end_day = formats.date_format(end, webinar_date_format())
    return pgettext("webinar timespan over days", "{day} {start} – {end_day} {end}").format(
        day=day, start=start_time, end_day=end_day, end=end_time
    )


@register.simple_tag
def webinar_date(value: datetime.datetime) -> str:
    return formats.date_format(_local(value), webinar_date_format())


@register.simple_tag
def webinar_datetime(value: datetime.datetime) -> str:
    """A moment, as the active language writes it: "tisdag 13 mars 2027 kl. 10.00"."""
    value = _local(value)
    # Translators: {day} is a date, {time} a time: "tisdag 13 mars 2027 kl. 10.00"
    return pgettext("webinar datetime", "{day}, {time}").format(
        day=formats.date_format(value, webinar_date_format()),
        time=formats.time_format(value, webinar_time_format()),
    )


@register.simple_tag(takes_context=True)
def webinar_event_jsonld(context, session) -> str:
    """schema.org ``Event`` markup (online attendance) for search engines.

    Reuses the speakers the page's context already holds, so the markup costs no query.
    """
    from ..structured_data import session_event_jsonld

    speakers = context.get("speakers") if context.get("page") == session else None
    return session_event_jsonld(session, context.get("request"), speakers=speakers)


@register.filter
def webinar_isoformat(value: datetime.datetime | None) -> str:
    """ISO 8601 with the offset of the webinars' time zone, for ``<time datetime>``.

    (Django's ``date`` filter would convert back to settings.TIME_ZONE first.)
    """
    return _local(value).isoformat() if value else ""


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


@register.simple_tag(takes_context=True)
def webinar_stream(context, stream, parent_level: int = 2) -> str:
    """Render a StreamField like ``{% include_block %}``, keeping the page's heading outline.

    ``{% webinar_stream page.programme parent_level=2 %}`` under an h2: editors' headings, rich
    text headings and the headings our blocks write are re-levelled so none skips a level.
    """
    if not stream:
        return ""
    flat = context.flatten()
    # Each block on its own, like {% include_block %} in a loop (the stream's own template would
    # wrap every block in a <div>); conditional_escape as include_block does.
    html = "".join(conditional_escape(child.render_as_block(context=flat)) for child in stream)
    return mark_safe(keep_heading_outline(html, parent_level=parent_level))  # noqa: S308


@register.simple_tag(takes_context=True)
def webinar_registration(context, target) -> str:
    """ "Anmäl dig" for a session or series: ``{% webinar_registration page %}``.

    Renders includes/registration.html (override that file, or its fragments, to change the
    markup); the empty form is cached per registration state, see
    ``registration_views.render_registration``.
    """
    from ..registration_views import render_registration

    return render_registration(context.get("request"), target.specific)


# ---------------------------------------------------------------------------------------------
# Feedback widget ("Hjälpte informationen på sidan dig?")
# ---------------------------------------------------------------------------------------------

_FEEDBACK_RENDERED = "_wagtail_webinars_feedback_rendered"


@register.simple_tag(takes_context=True)
def webinar_feedback(context, page=None) -> str:
    """The feedback widget. A host puts ``{% webinar_feedback %}`` once in its base.html.

    Works on any page: with a Wagtail ``page`` in the context the answer is about that page,
    otherwise about the URL's path. Renders nothing when an editor turned it off for the page,
    and only once per request (a FeedbackBlock in the body and the tag in base.html do not
    show two). It costs no SQL query and reads nothing that would make the page uncacheable:
    no CSRF token, no session, no cookie.
    """
    from django.template.loader import render_to_string

    from ..feedback import is_feedback_enabled, strip_widget_params, widget_context

    request = context.get("request")
    if request is None or getattr(request, _FEEDBACK_RENDERED, False):
        return ""
    page = page if page is not None else context.get("page")
    # "page" in a context may be a paginator page or anything else a view named so.
    if not (hasattr(page, "pk") and hasattr(page, "url_path")):
        page = None
    if not is_feedback_enabled(page):
        return ""
    setattr(request, _FEEDBACK_RENDERED, True)

    full_path = strip_widget_params(request.get_full_path())
    state, token = "question", ""
    # The form's way back without JavaScript: ?ww_feedback=comment|thanks (see feedback_views).
    returned = request.GET.get("ww_feedback")
    if returned == "thanks":
        state = "thanks"
    elif returned == "comment":
        from ..feedback import get_feedback_service

        token = request.GET.get("ww_feedback_token", "")
        if get_feedback_service().read_comment_token(token) is not None:
            state = "comment"
    # No request passed on: context processors would put a lazy CSRF token and the user
    # (which reads the session) within reach of the templates.
    return render_to_string(
        "wagtail_webinars/includes/feedback.html",
        widget_context(
            state,
            page_id=page.pk if page is not None else None,
            path=full_path,
            next_url=full_path,
            token=token,
        ),
    )


_UNTITLED_IFRAME = re.compile(r"<iframe\b(?![^>]*\stitle=)", re.IGNORECASE)


@register.filter
def webinar_titled_iframes(html: str, title: str) -> str:
    """Give each ``<iframe>`` in embed HTML a title, so screen readers can name the frame.

    oEmbed providers often send frames without one (WCAG 4.1.2); a title they did send is kept.
    """
    html = str(html)
    if not title:
        return mark_safe(html)  # noqa: S308  provider HTML, rendered as Wagtail renders embeds
    attribute = format_html(' title="{}"', title)
    return mark_safe(_UNTITLED_IFRAME.sub(lambda match: match.group(0) + attribute, html))  # noqa: S308

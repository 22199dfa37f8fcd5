"""Template tags and filters of wagtail_webinars: ``{% load wagtail_webinars_tags %}``.

A leaf: thin wrappers over the date writer, the presentation of registration, the structured
data and the feedback widget. Nothing of ours imports this library.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .. import calendar_links, dates, markup

register = template.Library()


@register.simple_tag
def webinar_timespan(start: datetime.datetime, end: datetime.datetime) -> str:
    """ "tisdag 13 mars 2027 kl. 10.00–11.30", as the active language writes it."""
    return dates.format_timespan(start, end)


@register.simple_tag
def webinar_datetime(value: datetime.datetime) -> str:
    """A moment, as the active language writes it: "tisdag 13 mars 2027 kl. 10.00"."""
    return dates.format_datetime(value)


@register.simple_tag(takes_context=True)
def webinar_calendar_links(context, session) -> calendar_links.SessionCalendarLinks:
    """``{% webinar_calendar_links page as links %}``: ``links.ics``, ``links.google``,
    ``links.outlook`` for "Lägg till i kalender"."""
    return calendar_links.session_links(session, context.get("request"))


@register.simple_tag(takes_context=True)
def webinar_calendar_feed(context, series=None) -> calendar_links.FeedLinks:
    """``{% webinar_calendar_feed page as feed %}``: a series' feed (the site's without one),
    as ``feed.https`` and ``feed.webcal``."""
    request = context.get("request")
    if series is None:
        return calendar_links.site_feed(request)
    return calendar_links.series_feed(series, request)


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
    return dates.isoformat(value)


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
    return mark_safe(markup.keep_heading_outline(html, parent_level=parent_level))  # noqa: S308


@register.simple_tag(takes_context=True)
def webinar_registration(context, target) -> str:
    """ "Anmäl dig" for a session or series: ``{% webinar_registration page %}``.

    Renders includes/registration.html (override that file, or its fragments, to change the
    markup); the empty form is cached per registration state, see
    ``registration.presentation.render_registration``.
    """
    from ..registration.presentation import render_registration

    return render_registration(context.get("request"), target.specific)


@register.simple_tag(takes_context=True)
def webinar_registration_call(context, target) -> str:
    """ "Anmäl dig" as a link to the form, for the top of a page:
    ``{% webinar_registration_call page %}`` (includes/registration_call.html)."""
    from ..registration.presentation import render_registration_call

    return render_registration_call(context.get("request"), target.specific)


# ---------------------------------------------------------------------------------------------
# Feedback widget ("Hjälpte informationen på sidan dig?")
# ---------------------------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def webinar_feedback(context, page=None) -> str:
    """The feedback widget: ``{% webinar_feedback %}``, kept here for templates that load this
    library; the feedback app's own library (``wagtail_webinars_feedback``) has the same tag."""
    # Imported when used: the feedback app's models load only where that app is installed.
    from ..feedback.widget import render_widget

    return render_widget(context, page)


@register.filter
def webinar_titled_iframes(html: str, title: str) -> str:
    """Give each ``<iframe>`` in embed HTML a title, so screen readers can name the frame."""
    return markup.titled_iframes(html, title)

"""``{% load wagtail_webinars_feedback %}{% webinar_feedback %}``: the widget, in a host's
base.html. A thin wrapper: what it renders is ``wagtail_webinars.feedback.widget``'s."""

from __future__ import annotations

from django import template

from ..widget import render_widget

register = template.Library()


@register.simple_tag(takes_context=True)
def webinar_feedback(context, page=None) -> str:
    """The feedback widget, once per request, unless the page's switch is off."""
    return render_widget(context, page)

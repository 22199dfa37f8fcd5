"""What the widget shows: its wording, the context of its templates, and the widget itself as
``{% webinar_feedback %}`` renders it on any page of the host site."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from ..conf import webinar_settings
from .models import COMMENT_MAX_LENGTH
from .page_switch import is_feedback_enabled
from .scrub import WIDGET_PARAMS
from .services import get_feedback_service

_RENDERED = "_wagtail_webinars_feedback_rendered"


def default_texts() -> dict[str, Any]:
    return {
        "question": _("Did the information on this page help you?"),
        "yes": _("Yes"),
        "no": _("No"),
        "thanks": _("Thank you for helping us!"),
        "comment_label": _("What were you missing?"),
        "comment_help": _(
            "Optional. Do not write personal details such as your name, e-mail address or "
            "phone number: we cannot answer here."
        ),
        "send": _("Send"),
    }


def feedback_texts() -> dict[str, str]:
    """The widget's wording: the translated defaults, overridden by ``FEEDBACK_TEXTS``."""
    texts = default_texts()
    texts.update(webinar_settings.FEEDBACK_TEXTS or {})
    return {key: str(value) for key, value in texts.items()}


def widget_context(
    state: str,
    *,
    page_id: int | str | None,
    path: str,
    next_url: str,
    errors: dict[str, list[str]] | None = None,
    comment: str = "",
    token: str = "",
) -> dict[str, Any]:
    """Context of ``includes/feedback.html`` and its fragments; ``state`` is ``"question"``,
    ``"comment"`` or ``"thanks"``. Holds nothing about the visitor, so pages stay cacheable."""
    errors = errors or {}
    return {
        "state": state,
        "texts": feedback_texts(),
        "errors": errors,
        "general_errors": [m for key, ms in errors.items() if key != "comment" for m in ms],
        "comment": comment,
        "token": token,
        "page_id": page_id or "",
        "path": path,
        "next": next_url,
        "language": translation.get_language() or "",
        "comment_max_length": formats.number_format(COMMENT_MAX_LENGTH, force_grouping=True),
    }


def strip_widget_params(full_path: str) -> str:
    """The path and query string without the parameters the widget adds itself."""
    parts = urlsplit(full_path)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in WIDGET_PARAMS
    ]
    return parts.path + ("?" + urlencode(query) if query else "")


def render_widget(context, page=None) -> str:
    """The feedback widget, as ``{% webinar_feedback %}`` puts it on a page.

    Works on any page: with a Wagtail ``page`` in the context the answer is about that page,
    otherwise about the URL's path. Renders nothing when an editor turned it off for the page,
    and only once per request (a FeedbackBlock in the body and the tag in base.html do not
    show two). It costs no SQL query and reads nothing that would make the page uncacheable:
    no CSRF token, no session, no cookie.
    """
    request = context.get("request")
    if request is None or getattr(request, _RENDERED, False):
        return ""
    page = page if page is not None else context.get("page")
    # "page" in a context may be a paginator page or anything else a view named so.
    if not (hasattr(page, "pk") and hasattr(page, "url_path")):
        page = None
    if not is_feedback_enabled(page):
        return ""
    setattr(request, _RENDERED, True)

    full_path = strip_widget_params(request.get_full_path())
    state, token = "question", ""
    # The form's way back without JavaScript: ?ww_feedback=comment|thanks (see views.py).
    returned = request.GET.get("ww_feedback")
    if returned == "thanks":
        state = "thanks"
    elif returned == "comment":
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

"""The two entrances of the feedback widget: the HTML form and the JSON endpoint.

Both call ``feedback.get_feedback_service()`` and nothing else for the rules.

Public API: ``POST <prefix>/api/feedback/`` with ``{"page": <id>}`` or ``{"path": "/…"}``, plus
``"helpful"`` (true/false) and an optional ``"comment"`` → 201 ``{"helpful", "comment"}``; 400
``{"errors": {field: [message]}}``; 429 when rate limited; JSON only (415); the Origin rules of
the registration endpoints (403).

Neither view uses Django's CSRF token: the widget sits on every page of a site, and a token would
make every page uncacheable (cookie, ``Vary: Cookie``). ``origin.is_allowed_origin`` takes its
place: a page on another site cannot post in a visitor's name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .api_views import error_response, json_endpoint, json_response
from .conf import webinar_settings
from .feedback import get_feedback_service, strip_widget_params, widget_context
from .origin import is_allowed_origin

WIDGET_ANCHOR = "ww-feedback"


def rate_limited_message() -> str:
    return gettext("Too many answers from your network. Please try again in a while.")


def _language(request: HttpRequest) -> str:
    """The language the page was shown in (sent by the form), else the request's."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = request.POST.get("language", "")
    return language if language in codes else translation.get_language()


def _next_url(request: HttpRequest) -> str:
    """Where to send the visitor back: a path on this site, without the widget's own params."""
    candidate = request.POST.get("next", "") or request.POST.get("path", "")
    if not candidate.startswith("/") or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return strip_widget_params(candidate)


def _with_params(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(("", "", parts.path, urlencode(query), WIDGET_ANCHOR))


@csrf_exempt  # replaced by the Origin check below; see the module docstring
@require_POST
def feedback_form(request: HttpRequest) -> HttpResponse:
    """The widget's form. Without JavaScript: a redirect back to the widget on the page (303),
    or, when something is wrong, a page of its own with the message and everything typed kept.
    The widget's script sends ``fragment=1`` and gets the widget's next state as HTML."""
    fragment = request.POST.get("fragment") == "1"
    with translation.override(_language(request)):
        if not is_allowed_origin(request):
            return HttpResponse(
                gettext("Answers from this website are not allowed."),
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        service = get_feedback_service()
        token = request.POST.get("token", "")
        if token:
            result = service.add_comment(request, token, request.POST.get("comment", ""))
        else:
            helpful = {"yes": True, "no": False}.get(request.POST.get("helpful", ""))
            result = service.submit(
                request,
                {
                    "page": request.POST.get("page") or None,
                    "path": request.POST.get("path") or None,
                    "helpful": helpful,
                    "comment": request.POST.get("comment", ""),
                    "website": request.POST.get("website", ""),
                    "language": translation.get_language(),
                },
            )

        if result.ok:
            state = "comment" if result.comment_token else "thanks"
            if not fragment:
                if state == "comment":
                    url = _with_params(
                        _next_url(request),
                        ww_feedback="comment",
                        ww_feedback_token=result.comment_token,
                    )
                else:
                    url = _with_params(_next_url(request), ww_feedback="thanks")
                return HttpResponseRedirect(url, status=303)
            status = 200
        else:
            # A comment whose answer can no longer be found goes back to the question, with the
            # typed text kept in the form.
            state = "comment" if result.comment_token else "question"
            status = 429 if result.status == "rate_limited" else 400

        errors = dict(result.errors)
        if result.status == "rate_limited":
            errors["__all__"] = [rate_limited_message()]
        context = widget_context(
            state,
            page_id=request.POST.get("page", ""),
            path=request.POST.get("path", ""),
            next_url=_next_url(request),
            errors=errors,
            comment=result.comment,
            token=result.comment_token,
        )
        template = (
            "wagtail_webinars/includes/feedback_body.html"
            if fragment
            else "wagtail_webinars/feedback/form_page.html"
        )
        context["webinars_base_template"] = webinar_settings.BASE_TEMPLATE
        context["webinars_main_landmark"] = webinar_settings.MAIN_LANDMARK
        response = HttpResponse(render_to_string(template, context), status=status)
        response["Cache-Control"] = "no-store"
        return response


@json_endpoint
def feedback_api(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """``POST <prefix>/api/feedback/``: one answer from a headless frontend."""
    helpful = body.get("helpful")
    result = get_feedback_service().submit(
        request,
        {
            "page": body.get("page"),
            "path": body.get("path"),
            "helpful": helpful if isinstance(helpful, bool) else None,
            "comment": body.get("comment", ""),
            "website": body.get("website", ""),
            "language": translation.get_language(),
        },
    )
    if result.status == "rate_limited":
        return error_response("rate_limited", rate_limited_message(), 429)
    if result.status == "invalid":
        return json_response({"errors": result.errors}, status=400)
    return json_response({"helpful": result.helpful, "comment": result.comment}, status=201)

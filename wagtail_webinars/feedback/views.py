"""The widget's HTML form: the entrance that works without JavaScript (and that the widget's
script uses, asking for fragments). The rules are ``services.get_feedback_service()``'s.

It does not use Django's CSRF token: the widget sits on every page of a site, and a token would
make every page uncacheable (cookie, ``Vary: Cookie``). ``origin.is_allowed_origin`` takes its
place: a page on another site cannot post in a visitor's name.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..conf import shell_context
from ..formdata import form_data_problem
from ..language import visitor_language
from ..origin import is_allowed_origin
from .services import get_feedback_service, rate_limited_message
from .widget import strip_widget_params, widget_context

WIDGET_ANCHOR = "ww-feedback"


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
    with translation.override(visitor_language(request)):
        problem = form_data_problem(request)
        if problem is not None:
            return _render(
                "wagtail_webinars/feedback/form_page.html",
                widget_context(
                    "question",
                    page_id="",
                    path="",
                    next_url="/",
                    errors={"__all__": [problem.message]},
                    comment="",
                    token="",
                ),
                problem.status,
            )
    fragment = request.POST.get("fragment") == "1"
    with translation.override(visitor_language(requested=request.POST.get("language"))):
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
        response = _render(template, context, status)
        if result.status == "rate_limited":
            response["Retry-After"] = str(result.retry_after)
        return response


def _render(template: str, context: dict, status: int) -> HttpResponse:
    response = HttpResponse(render_to_string(template, shell_context(**context)), status=status)
    response["Cache-Control"] = "no-store"
    return response

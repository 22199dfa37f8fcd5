"""JSON endpoints for headless frontends: register for a session or series, cancel with a token.

Public API (names and shapes are kept stable):

* ``POST <prefix>/api/sessions/<page_id>/registrations/`` → 201 ``{"id", "status", …}``,
  400 ``{"errors": {field: [message]}}``, 409 ``{"code": "full"|"duplicate"|"closed", "message"}``,
  429 when rate limited.
* ``POST <prefix>/api/series/<page_id>/registrations/`` → 201 ``{"registrations": [...]}``.
* ``POST <prefix>/api/registrations/cancel/`` with ``{"token": …}`` → 200 ``{"id", "status"}``.

They accept only ``application/json`` (415 otherwise). Instead of Django's CSRF token, which a
separate frontend cannot carry, they check the ``Origin`` header (``origin.is_allowed_origin``):
a page on another site cannot post in a visitor's name (403), while the site itself and the
frontends in ``ALLOWED_FRONTEND_ORIGINS`` can. Messages are in the visitor's language: the body's
``"language"`` (``"sv"`` or ``"en"``), else ``Accept-Language``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Exists, OuterRef
from django.db.models.functions import Left, Length
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import PageViewRestriction

from . import services
from .forms import ANSWER_PREFIX, RegistrationForm
from .origin import is_allowed_origin
from .pagemodel import series_page_model, session_page_model
from .ratelimit import rate_limit_exceeded
from .registration_views import build_form, series_options, visitor_language
from .templatetags.wagtail_webinars_tags import webinar_isoformat

LANGUAGES = ("sv", "en")


def json_response(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error_response(code: str, message: str, status: int) -> JsonResponse:
    return json_response({"code": code, "message": message}, status=status)


def _language_from_request(request: HttpRequest) -> str:
    return visitor_language(translation.get_language_from_request(request))


def json_endpoint(view: Callable) -> Callable:
    """POST only, JSON only, from an allowed origin, in the visitor's language.

    Calls ``view(request, body, **kwargs)`` with the parsed JSON object, inside
    ``translation.override()`` of the visitor's language. CSRF exemption is safe here only
    because the Origin check below takes its place.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> JsonResponse:
        with translation.override(_language_from_request(request)):
            if request.method != "POST":
                response = error_response(
                    "method_not_allowed", gettext("Use POST for this address."), 405
                )
                response["Allow"] = "POST"
                return response
            if not is_allowed_origin(request):
                return error_response(
                    "forbidden_origin",
                    gettext("Requests from this website are not allowed."),
                    403,
                )
            if request.content_type != "application/json":
                return error_response(
                    "unsupported_media_type",
                    gettext("Send the data as JSON (Content-Type: application/json)."),
                    415,
                )
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                body = None
            if not isinstance(body, dict):
                return json_response(
                    {"errors": {"__all__": [gettext("The request body must be a JSON object.")]}},
                    status=400,
                )
            language = body.get("language")
            if language is not None and language not in LANGUAGES:
                return json_response(
                    {"errors": {"language": [gettext('Use "sv" or "en".')]}}, status=400
                )
        with translation.override(language or _language_from_request(request)):
            return view(request, body, **kwargs)

    return wrapper


def _form_errors(form) -> dict[str, list[str]]:
    """Form errors keyed as the JSON body names the fields: answers as ``answers.<name>``."""
    errors = {}
    for field, messages in form.errors.items():
        key = f"answers.{field[len(ANSWER_PREFIX) :]}" if field.startswith(ANSWER_PREFIX) else field
        errors[key] = [str(m) for m in messages]
    return errors


def _rate_limited() -> JsonResponse:
    return error_response(
        "rate_limited", gettext("Too many requests from your network. Please try again later."), 429
    )


def _outcome_json(session, outcome) -> dict[str, Any]:
    registration = outcome.registration
    if outcome.status == "waitlisted":
        message = gettext(
            "You are on the waiting list. We will e-mail you if a place becomes free."
        )
    else:
        message = gettext("You are registered. A confirmation is on its way to your e-mail.")
    return {
        "id": registration.pk,
        "status": outcome.status,
        "message": message,
        "places": registration.places,
        "session": {
            "id": session.pk,
            "title": session.title,
            "start": webinar_isoformat(session.start),
            "end": webinar_isoformat(session.end),
        },
    }


def _get_live(model, page_id: int):
    """The live page with this id, unless it or an ancestor has a view restriction.

    What ``.live().public()`` selects, in one query: ``public()`` first loads every view
    restriction on the site to build its filter, a second query on every registration.
    """
    restricted = PageViewRestriction.objects.filter(
        # The restricted page is the page itself or an ancestor: its path is a prefix of ours.
        page__path=Left(OuterRef("path"), Length("page__path"))
    )
    return model.objects.live().filter(pk=page_id).exclude(Exists(restricted)).first()


@json_endpoint
def session_registrations(request: HttpRequest, body: dict[str, Any], page_id: int) -> JsonResponse:
    """Register for one session."""
    session = _get_live(session_page_model(), page_id)
    if session is None:
        return error_response("not_found", gettext("There is no such webinar."), 404)
    if rate_limit_exceeded(request, "registration", "REGISTRATION_RATE_LIMIT"):
        return _rate_limited()
    form = build_form(session, build_data(body))
    if not form.is_valid():
        return json_response({"errors": _form_errors(form)}, status=400)
    try:
        outcome = services.register(session, form.get_registration_request())
    except services.RegistrationError as error:
        return error_response(error.code, str(error.message), 409)
    return json_response(_outcome_json(session, outcome), status=201)


@json_endpoint
def series_registrations(request: HttpRequest, body: dict[str, Any], page_id: int) -> JsonResponse:
    """Register for dates of a series: ``"sessions": [ids]``, or every open date if left out."""
    series = _get_live(series_page_model(), page_id)
    if series is None:
        return error_response("not_found", gettext("There is no such webinar series."), 404)
    if rate_limit_exceeded(request, "registration", "REGISTRATION_RATE_LIMIT"):
        return _rate_limited()
    options = series_options(series)
    data = build_data(body)
    if "sessions" not in body:
        data["sessions"] = [o.session.pk for o in options if o.can_register]
    form = build_form(series, data, options=options)
    if not form.is_valid():
        return json_response({"errors": _form_errors(form)}, status=400)
    sessions = form.selected_sessions()
    results = services.register_for_series(series, sessions, form.get_registration_request())
    items = []
    for session, result in zip(sessions, results, strict=True):
        if isinstance(result, services.RegistrationError):
            items.append(
                {"session": {"id": session.pk}, "code": result.code, "message": str(result.message)}
            )
        else:
            items.append(_outcome_json(session, result))
    if all(isinstance(r, services.RegistrationError) for r in results):
        first = results[0]
        return json_response(
            {"code": first.code, "message": str(first.message), "registrations": items}, status=409
        )
    return json_response({"registrations": items}, status=201)


@json_endpoint
def cancel_registration(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Cancel with the token from the personal link; the first on the waiting list moves up."""
    token = body.get("token")
    if not isinstance(token, str) or not token.strip():
        return json_response(
            {"errors": {"token": [gettext("This field is required.")]}}, status=400
        )
    if rate_limit_exceeded(request, "cancel", "CANCEL_RATE_LIMIT"):
        return _rate_limited()
    registration = services.get_registration_by_token(token)
    if registration is None:
        return error_response("not_found", gettext("This cancel link is not valid."), 404)
    if registration.is_active:
        registration = services.cancel_registration(token)
    return json_response({"id": registration.pk, "status": registration.status})


def build_data(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON body as form data (answers flattened; ``consent`` must be ``true``)."""
    return RegistrationForm.data_from_json(body)

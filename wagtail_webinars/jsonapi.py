"""The JSON-endpoint kernel: what every JSON endpoint of the package (registration, feedback)
shares, so that they answer alike.

``@json_endpoint`` takes POST only, JSON only, from an allowed origin (``origin.py``), and calls
the view inside ``translation.override()`` of the visitor's language (``language.py``). Instead
of Django's CSRF token, which a separate frontend cannot carry, the Origin check protects these
views: a page on another site cannot post in a visitor's name (403), while the site itself and
the frontends in ``ALLOWED_FRONTEND_ORIGINS`` can. Their CORS answers, preflights included,
come from django-cors-headers (``origin.cors_request_enabled``).

The body is JSON sent as ``application/json`` or as ``text/plain``: a ``text/plain`` POST is a
CORS "simple request" that needs no preflight, and it is no less safe here, since the Origin
check, not the content type, is what keeps foreign pages out. Anything else is 415.

Errors, every status of every endpoint, have one envelope (``error_body``)::

    {"code": "invalid", "message": "Correct the fields marked.", "errors": {"email": ["…"]}}

``code`` is a stable machine-readable word, ``message`` one sentence for a person, in the
visitor's language, and ``errors`` the messages per field (``"__all__"`` for the body as a whole),
empty when the refusal is not about a field. It is the union of the two shapes answered before
(400 ``{"errors"}``, the rest ``{"code", "message"}``), so clients of either keep working;
a client should branch on the status and ``code``, show ``message``, and put ``errors`` beside
their fields. No body of any shape reaches the view unchecked: a body larger than Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413 ``{"code": "too_large"}``; invalid JSON, JSON nested too
deep to parse, the non-standard ``NaN`` and ``Infinity`` and numbers too large for a float
(``1e400``) are 400 for the body as a whole; a lone surrogate (``"\\ud800"``) anywhere is 400 for
the field that holds it, since it cannot be stored as UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from .language import is_visitor_language, visitor_language
from .origin import is_allowed_origin
from .text import has_surrogates

#: Content types a JSON body may come as; text/plain spares a cross-origin frontend the preflight.
JSON_CONTENT_TYPES = ("application/json", "text/plain")


def _refuse_constant(name: str) -> float:
    # NaN and Infinity are not JSON; Python's parser takes them unless told otherwise.
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number too large")
    return value


def parse_json_body(raw: bytes) -> Any:
    """The parsed body, or raises ``ValueError`` for anything that is not plain, finite JSON
    (deep nesting that exhausts the parser's recursion included)."""
    try:
        return json.loads(
            raw or b"null", parse_constant=_refuse_constant, parse_float=_finite_float
        )
    except RecursionError as error:
        raise ValueError("JSON nested too deeply") from error
    except UnicodeDecodeError as error:
        raise ValueError("not UTF-8") from error


def unusable_characters_message() -> str:
    return gettext("The text contains characters that cannot be used.")


def too_large_response() -> JsonResponse:
    """413 for a body over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    return error_response("too_large", gettext("The request is too large."), 413)


def json_response(data: dict[str, Any], status: int = 200) -> JsonResponse:
    """A JSON answer, UTF-8 as it is (not ``\\u`` escapes)."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error_body(
    code: str, message: str, errors: dict[str, list[str]] | None = None, **extra: Any
) -> dict[str, Any]:
    """The one error envelope: ``{"code", "message", "errors"}`` (see the module docstring);
    ``extra`` keys are added after them (the series endpoint's ``registrations``)."""
    return {"code": code, "message": message, "errors": errors or {}, **extra}


def error_response(code: str, message: str, status: int, **extra: Any) -> JsonResponse:
    """A refusal that is not about one field: ``errors`` is ``{}``."""
    return json_response(error_body(code, message, **extra), status=status)


def invalid_message(errors: dict[str, list[str]]) -> str:
    """The envelope's ``message`` for field errors: the body's own error when that is all there
    is, else a sentence that sends the reader to the fields."""
    if set(errors) == {"__all__"} and errors["__all__"]:
        return str(errors["__all__"][0])
    return gettext("Some fields need correcting.")


def field_errors_response(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    """400 ``{"code": "invalid", "message", "errors": {field: [message]}}``; ``"__all__"`` for
    the body as a whole."""
    errors = {key: [str(m) for m in messages] for key, messages in errors.items()}
    return json_response(error_body("invalid", invalid_message(errors), errors), status=status)


def json_endpoint(view: Callable) -> Callable:
    """POST only, JSON only, from an allowed origin, in the visitor's language.

    Calls ``view(request, body, **kwargs)`` with the parsed JSON object, inside
    ``translation.override()`` of the visitor's language. CSRF exemption is safe here only
    because the Origin check below takes its place.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> JsonResponse:
        with translation.override(visitor_language(request)):
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
            if request.content_type not in JSON_CONTENT_TYPES:
                return error_response(
                    "unsupported_media_type",
                    gettext("Send the data as JSON (Content-Type: application/json)."),
                    415,
                )
            try:
                body = parse_json_body(request.body)
            except RequestDataTooBig:
                return too_large_response()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                return field_errors_response(
                    {"__all__": [gettext("The request body must be a JSON object.")]}
                )
            broken = [key for key, value in body.items() if has_surrogates([key, value])]
            if broken:
                return field_errors_response(
                    {
                        key if isinstance(key, str) and not has_surrogates(key) else "__all__": [
                            unusable_characters_message()
                        ]
                        for key in broken
                    }
                )
            language = body.get("language")
            if language is not None and not is_visitor_language(language):
                return field_errors_response({"language": [gettext('Use "sv" or "en".')]})
        with translation.override(visitor_language(request, language)):
            return view(request, body, **kwargs)

    return wrapper

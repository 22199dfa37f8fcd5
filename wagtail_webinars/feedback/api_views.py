"""The widget's JSON endpoint, for headless frontends; the rules are the feedback service's.

Public API: ``POST <prefix>/api/feedback/`` with ``{"page": <id>}`` or ``{"path": "/…"}``, plus
``"helpful"`` (true/false) and an optional ``"comment"`` → 201 ``{"helpful", "comment"}``; 400
``{"errors": {field: [message]}}``; 429 when rate limited; JSON only (415); the Origin rules of
every JSON endpoint of the package (403, ``jsonapi.json_endpoint``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation

from ..jsonapi import error_response, field_errors_response, json_endpoint, json_response
from .services import get_feedback_service, rate_limited_message


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
        response = error_response("rate_limited", rate_limited_message(), 429)
        response["Retry-After"] = str(result.retry_after)
        return response
    if result.status == "invalid":
        return field_errors_response(result.errors)
    return json_response({"helpful": result.helpful, "comment": result.comment}, status=201)

"""The OpenAPI 3.1 document of every JSON endpoint of the package, served at
``<prefix>/api/openapi.json`` (``wagtail_webinars:api_openapi``).

It is built per request from the site's own URLconf: the paths are ``reverse()``'d, so they carry
the prefix the host chose, and the API v2 session listing (``webinar_sessions``) is found on the
host's API router wherever it is mounted (left out when the host has not registered it). A client
generator (openapi-generator, orval, openapi-typescript) reads it as it is; ``tests/test_openapi.py``
keeps it in step with the URLconf and with real answers, and ``scripts/fuzz_api.py`` attacks a live
server with it (schemathesis).

Every refusal, whatever the endpoint and status, is ``#/components/schemas/Error``: the one
envelope of ``jsonapi.error_body``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from . import __version__
from .data import OTHER_ORGANISATION, municipalities, regions
from .jsonapi import error_response, json_response

#: The version of OpenAPI the document is written in.
OPENAPI_VERSION = "3.1.0"

#: A page id no site has, put into ``reverse()`` and replaced by ``{page_id}`` afterwards.
_SENTINEL = 987654321

#: The URL names of our JSON endpoints (``wagtail_webinars:<name>``) and their path parameter.
JSON_ENDPOINTS = {
    "api_session_registrations": "page_id",
    "api_series_registrations": "page_id",
    "api_registration_cancel": None,
    "api_feedback": None,
    "api_municipalities": None,
}

#: Largest page id the document admits: Wagtail's page ids are 32-bit integers.
MAX_ID = 2**31 - 1


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _string(max_length: int | None = None) -> dict[str, Any]:
    return {"type": "string", **({"maxLength": max_length} if max_length else {})}


ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "The language of labels and messages: Swedish (`sv`) or English (`en`); "
    "anything else gives the site's language.",
    "schema": {"type": "string"},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "The one error envelope of every endpoint and status. `code` is stable "
        "and machine-readable, `message` a sentence for a person in the visitor's language, "
        "`errors` the messages per field as the request names the fields (`answers.<name>`; "
        "`__all__` for the body as a whole), empty when the refusal is not about a field.",
        "required": ["code", "message", "errors"],
        "properties": {
            "code": {
                "type": "string",
                "examples": [
                    "invalid",
                    "bad_request",
                    "forbidden_origin",
                    "not_found",
                    "full",
                    "closed",
                    "too_large",
                    "unsupported_media_type",
                    "rate_limited",
                ],
            },
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "Language": {"type": "string", "enum": ["sv", "en"]},
    "RegistrationBody": {
        "type": "object",
        "description": "The fields a session's `registration.fields` lists (API v2), named as "
        "there. Which are required, and the choices, are the editor's: read them from "
        "`registration.fields`.",
        "properties": {
            "name": {**_string(200), "minLength": 1},
            "email": {**_string(254), "format": "email"},
            "organisation": {**_string(200), "minLength": 1},
            "municipality_code": {
                "type": "string",
                "description": "A `code` of `GET <prefix>/api/municipalities/` (`enum` is "
                "filled in when the document is served).",
            },
            "participants": {
                "description": "Further participants' names: a list, or one name per line.",
                "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
            },
            "answers": {
                "type": "object",
                "description": "The editor's questions: `answers.<name>` in `fields` is "
                '`{"answers": {"<name>": value}}` here.',
                "additionalProperties": True,
            },
            "question_to_speaker": _string(1000),
            "consent": {"const": True, "description": "Must be JSON `true`."},
            "consent_version": {
                "type": "string",
                "description": "`registration.consent.version` of the text shown; an outdated "
                "one is 400 for `consent`.",
            },
            "language": _ref("Language"),
        },
        "required": ["name", "email", "organisation", "municipality_code", "consent"],
    },
    "SeriesRegistrationBody": {
        "allOf": [
            _ref("RegistrationBody"),
            {
                "type": "object",
                "properties": {
                    "sessions": {
                        "type": "array",
                        "items": {"type": "integer"},
                        "description": "The dates (session ids) to register for; every open "
                        "date when left out.",
                    }
                },
            },
        ]
    },
    "SessionSummary": {
        "type": "object",
        "required": ["id", "title", "start", "end"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
        },
    },
    "RegistrationOutcome": {
        "type": "object",
        "description": "The same for a new registration and for an address already registered.",
        "required": ["status", "message", "places", "session"],
        "properties": {
            "status": {"type": "string", "enum": ["confirmed", "waitlisted"]},
            "message": {"type": "string"},
            "places": {"type": "integer", "minimum": 1},
            "session": _ref("SessionSummary"),
        },
    },
    "DateRefusal": {
        "type": "object",
        "description": "A date of a series that refused (full, closed).",
        "required": ["session", "code", "message"],
        "properties": {
            "session": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}},
            },
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
    },
    "SeriesRegistrations": {
        "type": "object",
        "required": ["registrations"],
        "properties": {
            "registrations": {
                "type": "array",
                "items": {"anyOf": [_ref("RegistrationOutcome"), _ref("DateRefusal")]},
            }
        },
    },
    "SeriesRefusal": {
        "allOf": [
            _ref("Error"),
            {
                "type": "object",
                "required": ["registrations"],
                "properties": {
                    "registrations": {"type": "array", "items": _ref("DateRefusal")},
                },
            },
        ]
    },
    "CancelBody": {
        "type": "object",
        "required": ["token"],
        "properties": {
            "token": {"type": "string", "minLength": 1},
            "language": _ref("Language"),
        },
    },
    "Cancelled": {
        "type": "object",
        "required": ["id", "status"],
        "properties": {"id": {"type": "integer"}, "status": {"type": "string"}},
    },
    "FeedbackBody": {
        "type": "object",
        "description": "`page` (a page id) or `path`, and `helpful`.",
        "properties": {
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "path": {"type": "string", "pattern": "^/[^/\\\\]", "maxLength": 2048},
            "helpful": {"type": "boolean"},
            "comment": _string(1250),
            "language": _ref("Language"),
        },
        "required": ["helpful"],
    },
    "FeedbackAnswer": {
        "type": "object",
        "required": ["helpful", "comment"],
        "properties": {
            "helpful": {"type": ["boolean", "null"]},
            "comment": {"type": "string", "description": "As stored: scrubbed."},
        },
    },
    "Municipalities": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name", "kind", "region"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": ["municipality", "region", "other"]},
                        "region": {"type": ["string", "null"]},
                    },
                },
            }
        },
    },
    "SessionListing": {
        "type": "object",
        "required": ["meta", "items"],
        "properties": {
            "meta": {
                "type": "object",
                "required": ["total_count"],
                "properties": {"total_count": {"type": "integer", "minimum": 0}},
            },
            "items": {"type": "array", "items": _ref("Session")},
        },
    },
    "Session": {
        "type": "object",
        "description": "A session page as Wagtail's API v2 gives it: `id` and `meta` always, "
        "the fields `fields` asks for (docs/api.md lists them; fields are only ever added).",
        "required": ["id", "meta"],
        "properties": {
            "id": {"type": "integer"},
            "meta": {"type": "object"},
            "title": {"type": "string"},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "computed_status": {
                "type": "string",
                "enum": ["upcoming", "live", "ended", "cancelled", "postponed"],
            },
            "registration": {"type": "object"},
            "notices": {"type": "array", "items": {"type": "object"}},
            "calendar": _ref("CalendarLinks"),
        },
    },
    "FeedLinks": {
        "type": "object",
        "required": ["https", "webcal"],
        "properties": {"https": {"type": "string"}, "webcal": {"type": "string"}},
    },
    "CalendarLinks": {
        "type": "object",
        "required": ["ics", "google", "outlook", "series_feed", "site_feed"],
        "properties": {
            "ics": {"type": "string"},
            "google": {"type": "string"},
            "outlook": {"type": "string"},
            "series_feed": {"anyOf": [_ref("FeedLinks"), {"type": "null"}]},
            "site_feed": _ref("FeedLinks"),
        },
    },
}

#: The refusals every POST endpoint of the JSON kernel (``jsonapi.json_endpoint``) may give.
KERNEL_REFUSALS = {
    "400": _error(
        "Invalid input (`code` `invalid`): field errors in `errors`; a body that is not a plain "
        "JSON object, or a field with characters that cannot be stored, included."
    ),
    "403": _error("From an origin that is not allowed (`forbidden_origin`)."),
    "413": _error("The body is over the site's `DATA_UPLOAD_MAX_MEMORY_SIZE` (`too_large`)."),
    "415": _error("Not JSON (`unsupported_media_type`): send `application/json` or `text/plain`."),
}


def _post(
    operation_id: str, summary: str, body: str, responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [ACCEPT_LANGUAGE, *extra.pop("parameters", [])],
            "requestBody": {
                "required": True,
                "description": "JSON, as `application/json` or as `text/plain` (which spares a "
                "cross-origin page the preflight).",
                "content": {"application/json": {"schema": _ref(body)}},
            },
            "responses": {**responses, **KERNEL_REFUSALS},
            **extra,
        }
    }


def _page_id(what: str) -> dict[str, Any]:
    return {
        "name": "page_id",
        "in": "path",
        "required": True,
        "description": f"The {what} page's id.",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    }


RATE_LIMITED = _error("Too many requests from the network (`rate_limited`).")


def _our_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}

    def path_of(name: str) -> str:
        if JSON_ENDPOINTS[name]:
            url = reverse(f"wagtail_webinars:{name}", args=[_SENTINEL])
            return url.replace(str(_SENTINEL), "{" + JSON_ENDPOINTS[name] + "}")
        return reverse(f"wagtail_webinars:{name}")

    paths[path_of("api_session_registrations")] = _post(
        "registerForSession",
        "Register for a session",
        "RegistrationBody",
        {
            "201": _json(_ref("RegistrationOutcome"), "Registered, or on the waiting list."),
            "404": _error("No published, public session with this id (`not_found`)."),
            "409": _error("Refused: `full` (no waiting list) or `closed` (with the reason)."),
            "429": RATE_LIMITED,
        },
        parameters=[_page_id("session")],
    )
    paths[path_of("api_series_registrations")] = _post(
        "registerForSeries",
        "Register for dates of a series",
        "SeriesRegistrationBody",
        {
            "201": _json(
                _ref("SeriesRegistrations"), "One item per date: an outcome or a refusal."
            ),
            "404": _error("No published, public series with this id (`not_found`)."),
            "409": _json(_ref("SeriesRefusal"), "Every date refused: the first reason, and each."),
            "429": RATE_LIMITED,
        },
        parameters=[_page_id("series")],
    )
    paths[path_of("api_registration_cancel")] = _post(
        "cancelRegistration",
        "Cancel with the token from the personal link",
        "CancelBody",
        {
            "200": _json(_ref("Cancelled"), "Cancelled (or already cancelled)."),
            "404": _error("The token is not valid (`not_found`)."),
            "429": RATE_LIMITED,
        },
    )
    paths[path_of("api_feedback")] = _post(
        "giveFeedback",
        "Answer the feedback question about a page",
        "FeedbackBody",
        {
            "201": _json(_ref("FeedbackAnswer"), "Stored (the comment as stored, scrubbed)."),
            "429": RATE_LIMITED,
        },
    )
    paths[path_of("api_municipalities")] = {
        "get": {
            "operationId": "listMunicipalities",
            "summary": "The municipalities and regions `municipality_code` takes",
            "parameters": [
                ACCEPT_LANGUAGE,
                {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    "description": "`sv` or `en`; before Accept-Language.",
                    "schema": {"type": "string"},
                },
            ],
            "responses": {"200": _json(_ref("Municipalities"), "Cacheable for a day.")},
        }
    }
    return paths


def find_session_listing() -> tuple[str, str] | None:
    """The listing and detail paths of the API v2 session listing (``api.SessionsAPIViewSet``,
    marked by its ``openapi_operation``) in the site's URLconf, or ``None``."""

    def walk(patterns, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found = walk(
                    pattern.url_patterns,
                    namespaces + [pattern.namespace] if pattern.namespace else namespaces,
                )
                if found:
                    return found
            elif isinstance(pattern, URLPattern) and pattern.name == "listing":
                viewset = getattr(pattern.callback, "cls", None)
                if getattr(viewset, "openapi_operation", None) == "listSessions":
                    return ":".join(namespaces)
        return None

    namespace = walk(get_resolver().url_patterns, [])
    if namespace is None:
        return None
    listing = reverse(f"{namespace}:listing")
    detail = reverse(f"{namespace}:detail", args=[_SENTINEL]).replace(str(_SENTINEL), "{id}")
    return listing, detail


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


FIELDS = _query(
    "fields",
    "Comma-separated fields to add (`*` for all, `-name` to leave one out), as in Wagtail's API.",
    {"type": "string"},
)


def _listing_paths() -> dict[str, Any]:
    found = find_session_listing()
    if found is None:
        return {}
    listing, detail = found
    bad_request = _error(
        "A parameter it does not know, or a value a filter or the paging does not take "
        "(`bad_request`; the parameter in `errors` for a filter)."
    )
    return {
        listing: {
            "get": {
                "operationId": "listSessions",
                "summary": "Published sessions, soonest first (Wagtail API v2)",
                "parameters": [
                    ACCEPT_LANGUAGE,
                    _query(
                        "upcoming",
                        "`true`: only sessions starting now or later.",
                        {"type": "string", "enum": ["true", "false"]},
                    ),
                    _query(
                        "series",
                        "Only the sessions of this series (its page id).",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    ),
                    _query(
                        "status",
                        "`computed_status` values, comma-separated (any of them).",
                        {"type": "string"},
                    ),
                    _query(
                        "limit",
                        "Page size, at most `WAGTAILAPI_LIMIT_MAX` (20 by default).",
                        {"type": "integer", "minimum": 0},
                    ),
                    _query(
                        "offset",
                        "Items to skip: the next page is at `offset + limit` while that is "
                        "below `meta.total_count`.",
                        {"type": "integer", "minimum": 0},
                    ),
                    _query(
                        "order",
                        "A field to order by, `-` before it for descending; `start` by default.",
                        {"type": "string"},
                    ),
                    FIELDS,
                    _query("lang", "`sv` or `en` for `registration`'s texts.", {"type": "string"}),
                ],
                "responses": {
                    "200": _json(_ref("SessionListing"), "A page of sessions."),
                    "400": bad_request,
                },
            }
        },
        detail: {
            "get": {
                "operationId": "getSession",
                "summary": "One published session with all its fields (Wagtail API v2)",
                "parameters": [
                    ACCEPT_LANGUAGE,
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    },
                    FIELDS,
                    _query("lang", "`sv` or `en` for `registration`'s texts.", {"type": "string"}),
                ],
                "responses": {
                    "200": _json(_ref("Session"), "The session."),
                    "400": bad_request,
                    "404": _error("No published session with this id (`not_found`)."),
                },
            }
        },
    }


def build_document(request: HttpRequest) -> dict[str, Any]:
    """The document for the site ``request`` reached, paths with the host's prefix."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "wagtail_webinars",
            "version": __version__,
            "description": "Registration, cancellation, feedback and the municipality list of "
            "wagtail_webinars, and its session listing in Wagtail's API v2. Every error is "
            "`#/components/schemas/Error`. The frontend guide: docs/api.md.",
        },
        "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
        "paths": {**_our_paths(), **_listing_paths()},
        "components": {"schemas": _schemas()},
    }


def _schemas() -> dict[str, Any]:
    """``SCHEMAS``, with the municipality codes the form takes as ``municipality_code``'s enum."""
    schemas = json.loads(json.dumps(SCHEMAS))
    codes = [m.code for m in municipalities()] + [r.code for r in regions()]
    schemas["RegistrationBody"]["properties"]["municipality_code"]["enum"] = [
        *codes,
        OTHER_ORGANISATION,
    ]
    return schemas


@csrf_exempt  # it writes nothing: any other method gets the JSON 405, not the CSRF page
def openapi_document(request: HttpRequest) -> JsonResponse:
    """``GET <prefix>/api/openapi.json``."""
    if request.method not in ("GET", "HEAD"):
        response = error_response("method_not_allowed", gettext("Use GET for this address."), 405)
        response["Allow"] = "GET, HEAD"
        return response
    response = json_response(build_document(request))
    response["Cache-Control"] = "public, max-age=3600"
    return response

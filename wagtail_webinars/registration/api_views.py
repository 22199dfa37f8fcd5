"""JSON endpoints for headless frontends: register for a session or series, cancel with a token.

Public API (names and shapes are kept stable):

* ``POST <prefix>/api/sessions/<page_id>/registrations/`` → 201 ``{"status", "message",
  "places", "session"}``, 400 ``{"errors": {field: [message]}}``, 409 ``{"code":
  "full"|"closed", "message"}``, 429 when rate limited. An address that is already registered
  gets the same answer as a new one (``services.RegistrationOutcome``): no id, nothing of the
  existing registration.
* ``POST <prefix>/api/series/<page_id>/registrations/`` → 201 ``{"registrations": [...]}``.
* ``POST <prefix>/api/registrations/cancel/`` with ``{"token": …}`` → 200 ``{"id", "status"}``.

What they share with every JSON endpoint of the package (POST and JSON only, the Origin check
instead of a CSRF token, messages in the visitor's language: the body's ``"language"``, ``"sv"``
or ``"en"``, else ``Accept-Language``) is the kernel's ``jsonapi.json_endpoint``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef
from django.db.models.functions import Left, Length
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import PageViewRestriction

from .. import page_cache
from ..data import (
    OTHER_ORGANISATION,
    municipalities as all_municipalities,
    regions,
    swedish_sort_key,
)
from ..dates import isoformat
from ..jsonapi import error_response, field_errors_response, json_endpoint, json_response
from ..language import visitor_language
from ..pagemodel import series_page_model, session_page_model
from ..ratelimit import rate_limit_exceeded, retry_after
from . import limits, services
from .forms import ANSWER_PREFIX
from .mail import SessionMail
from .presentation import build_form, get_form_class, series_options, set_aside_closed_dates


def _form_errors(form) -> dict[str, list[str]]:
    """Form errors keyed as the JSON body names the fields: answers as ``answers.<name>``."""
    errors = {}
    for field, messages in form.errors.items():
        key = f"answers.{field[len(ANSWER_PREFIX) :]}" if field.startswith(ANSWER_PREFIX) else field
        errors[key] = [str(m) for m in messages]
    return errors


def _rate_limited(seconds: int) -> JsonResponse:
    response = error_response(
        "rate_limited", gettext("Too many requests from your network. Please try again later."), 429
    )
    response["Retry-After"] = str(seconds)
    return response


def _refused_input(request: HttpRequest, form) -> JsonResponse:
    """400 with the form's errors, or 429 once the network's failure budget is spent."""
    if (wait := limits.refused_invalid(request)) is not None:
        return _rate_limited(wait)
    return field_errors_response(_form_errors(form))


def _outcome_json(session, outcome) -> dict[str, Any]:
    """The same for a new registration and for an address already registered: nothing here
    may come from ``outcome.registration``, which for the latter is the existing one."""
    if outcome.status == "waitlisted":
        message = gettext(
            "You are on the waiting list. We will e-mail you if a place becomes free."
        )
    else:
        message = gettext("You are registered. A confirmation is on its way to your e-mail.")
    return {
        "status": outcome.status,
        "message": message,
        "places": outcome.places,
        "session": {
            "id": session.pk,
            "title": session.title,
            "start": isoformat(session.start),
            "end": isoformat(session.end),
        },
    }


#: Wagtail's page ids are 32-bit: a larger one names no page, and SQLite cannot even take it
#: past 2**63 (OverflowError, a 500: found by the schemathesis run).
PAGE_ID_MAX = 2**31 - 1


class LivePage(NamedTuple):
    """A page the registration endpoints may take registrations for, and its questions."""

    page: Any
    questions: list


def _get_live(model, page_id: int) -> LivePage | None:
    """The live page with this id, unless it or an ancestor has a view restriction, with the
    questions its form asks.

    Both kept in one entry of the page cache until something that could change them happens
    (the generation of ``page_cache``: any page published, unpublished, moved or deleted, a
    session, series or question saved, a view restriction added or removed), so that a
    registration reads them in one cache round trip instead of two queries (the page's joins
    two tables: 4 ms of a registration's 18 ms on PostgreSQL, bench/PROFILE.md) and a second
    round trip for the questions. An id with no such page is not kept.
    """
    if not 0 < page_id <= PAGE_ID_MAX:
        return None

    def read() -> LivePage | None:
        page = _read_live(model, page_id)
        if page is None:
            return None
        if model is session_page_model():
            # Kept with the page: the confirmation's contact persons (a query per registration).
            SessionMail.keep_contacts(page)
        return LivePage(page, services.get_questions(page))

    return page_cache.cached_until_changed(
        f"wagtail_webinars:live-page:{model._meta.label_lower}:{page_id}", read, keep_none=False
    )


def _read_live(model, page_id: int):
    """What ``.live().public()`` selects, in one query: ``public()`` first loads every view
    restriction on the site to build its filter, a second query on every registration."""
    restricted = PageViewRestriction.objects.filter(
        # The restricted page is the page itself or an ancestor: its path is a prefix of ours.
        page__path=Left(OuterRef("path"), Length("page__path"))
    )
    return model.objects.live().filter(pk=page_id).exclude(Exists(restricted)).first()


@json_endpoint
def session_registrations(request: HttpRequest, body: dict[str, Any], page_id: int) -> JsonResponse:
    """Register for one session."""
    live = _get_live(session_page_model(), page_id)
    if live is None:
        return error_response("not_found", gettext("There is no such webinar."), 404)
    session = live.page
    if (wait := limits.refused_any_post(request)) is not None:
        return _rate_limited(wait)
    form = build_form(session, build_data(session, body), questions=live.questions)
    if not form.is_valid():
        return _refused_input(request, form)
    data = form.get_registration_request()
    if (wait := limits.refused_valid(request, data.email, [session.pk])) is not None:
        return _rate_limited(wait)
    try:
        outcome = services.register(session, data)
    except services.RegistrationError as error:
        return error_response(error.code, str(error.message), 409)
    return json_response(_outcome_json(session, outcome), status=201)


@json_endpoint
def series_registrations(request: HttpRequest, body: dict[str, Any], page_id: int) -> JsonResponse:
    """Register for dates of a series: ``"sessions": [ids]``, or every open date if left out."""
    live = _get_live(series_page_model(), page_id)
    if live is None:
        return error_response("not_found", gettext("There is no such webinar series."), 404)
    series = live.page
    if (wait := limits.refused_any_post(request)) is not None:
        return _rate_limited(wait)
    options = series_options(series)
    data = build_data(series, body)
    refused: dict[int, services.RegistrationError] = {}
    if "sessions" not in body:
        data["sessions"] = [o.session.pk for o in options if o.can_register]
    else:
        # A date that cannot be booked is refused in its own item, not with a 400 for all.
        data["sessions"], refused = set_aside_closed_dates(options, data.get("sessions"))
    if refused and not data["sessions"]:
        data["sessions"] = None  # only closed dates: the form checks the rest of the body
    form = build_form(series, data, options=options, questions=live.questions)
    if refused and not form.data.get("sessions"):
        form.fields["sessions"].required = False
    if not form.is_valid():
        return _refused_input(request, form)
    sessions = form.selected_sessions()
    registration_request = form.get_registration_request()
    wait = limits.refused_valid(request, registration_request.email, [s.pk for s in sessions])
    if wait is not None:
        return _rate_limited(wait)
    results: list[Any] = services.register_for_series(series, sessions, registration_request)
    by_date = dict(zip([s.pk for s in sessions], results, strict=True)) | refused
    dated = [o.session for o in options if o.session.pk in by_date]
    results = [by_date[s.pk] for s in dated]
    items = []
    for session, result in zip(dated, results, strict=True):
        if isinstance(result, services.RegistrationError):
            items.append(
                {"session": {"id": session.pk}, "code": result.code, "message": str(result.message)}
            )
        else:
            items.append(_outcome_json(session, result))
    if all(isinstance(r, services.RegistrationError) for r in results):
        first = results[0]
        return error_response(first.code, str(first.message), 409, registrations=items)
    return json_response({"registrations": items}, status=201)


@json_endpoint
def cancel_registration(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Cancel with the token from the personal link; the first on the waiting list moves up."""
    token = body.get("token")
    if not isinstance(token, str) or not token.strip():
        return field_errors_response({"token": [gettext("This field is required.")]})
    if rate_limit_exceeded(request, "cancel", "CANCEL_RATE_LIMIT"):
        return _rate_limited(retry_after(request, "cancel", "CANCEL_RATE_LIMIT"))
    registration = services.get_registration_by_token(token)
    if registration is None:
        return error_response("not_found", gettext("This cancel link is not valid."), 404)
    if registration.is_active:
        registration = services.cancel_registration(token)
    return json_response({"id": registration.pk, "status": registration.status})


#: The list changes with a package release only (SCB's codes), so caches may keep it for a day.
MUNICIPALITIES_MAX_AGE = 24 * 60 * 60


@csrf_exempt  # it writes nothing: any other method gets the JSON 405, not the CSRF page
def municipalities(request: HttpRequest) -> JsonResponse:
    """``GET <prefix>/api/municipalities/``: what ``municipality_code`` takes, in the form's order
    (municipalities, then regions, each alphabetically in Swedish, then "Annan organisation").

    ``{"items": [{"code": "2584", "name": "Kiruna", "kind": "municipality", "region": "25"},
    {"code": "25", "name": "Region Norrbotten", "kind": "region", "region": "25"},
    {"code": "other", "name": "Annan organisation", "kind": "other", "region": null}]}``;
    ``?lang=en`` (or Accept-Language) names the last in English.
    """
    with translation.override(visitor_language(request, request.GET.get("lang"))):
        if request.method not in ("GET", "HEAD"):
            response = error_response(
                "method_not_allowed", gettext("Use GET for this address."), 405
            )
            response["Allow"] = "GET, HEAD"
            return response
        items = [
            {"code": m.code, "name": m.name, "kind": "municipality", "region": m.region}
            for m in sorted(all_municipalities(), key=lambda m: swedish_sort_key(m.name))
        ]
        items += [
            {"code": r.code, "name": r.name, "kind": "region", "region": r.code}
            for r in sorted(regions(), key=lambda r: swedish_sort_key(r.name))
        ]
        items.append(
            {
                "code": OTHER_ORGANISATION,
                "name": gettext("Other organisation"),
                "kind": "other",
                "region": None,
            }
        )
        response = json_response({"items": items})
    response["Cache-Control"] = f"public, max-age={MUNICIPALITIES_MAX_AGE}"
    response["Vary"] = "Accept-Language"
    return response


def build_data(page, body: dict[str, Any]) -> dict[str, Any]:
    """The JSON body as data for ``page``'s form (answers flattened; ``consent`` must be
    ``true``)."""
    return get_form_class(page).data_from_json(body)

"""HTML views of registration: "Anmäl dig", its result page and the personal cancel page.

They work without JavaScript. A successful POST redirects (POST/redirect/GET) to a result page
whose URL carries a signed list of what happened, so a reload never registers twice and no
visitor state is kept on the server. The rules themselves are ``services.register()`` and
friends; these views only validate input, call them and show what they said.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from .. import shared_cache
from ..conf import shell_context
from ..formdata import form_data_problem
from ..origin import is_allowed_origin
from ..pagemodel import series_page_model, session_page_model
from ..ratelimit import rate_limit_exceeded, retry_after
from . import limits, services
from .presentation import (
    build_form,
    is_series,
    registration_context,
    series_options,
    set_aside_closed_dates,
)

RESULT_SALT = "wagtail_webinars.registration-result"
# The result page is for the moment after sending; the e-mail is the lasting record.
RESULT_MAX_AGE = 60 * 60 * 24


def _render_form_page(request: HttpRequest, page, form=None, status: int = 200) -> HttpResponse:
    response = TemplateResponse(
        request,
        "wagtail_webinars/registration/register.html",
        shell_context(page=page, registration=registration_context(page, form)),
        status=status,
    )
    # Behind a shared front-end cache, what this view answers is never kept: a form with the
    # visitor's errors and input, or the places left at this moment (docs/deployment.md).
    return shared_cache.private(response) if shared_cache.enabled() else response


def _result_url(
    results: list[tuple[int, object]], *, back=None, participants: list[str] = ()
) -> str:
    """A result page URL that lists, signed, each session with the answer or error.

    Signed, not encrypted: anyone can read it, so it holds no registration id and is the same
    for a new registration as for an address that was already registered.
    """
    payload = []
    for session_id, result in results:
        if isinstance(result, services.RegistrationError):
            payload.append([session_id, result.code, str(result.message)])
        else:
            payload.append([session_id, result.status, ""])
    # "back": the page registered on (a series leads back to the series, not to its first date);
    # "participants": the further names as the visitor typed them, to show them again.
    body = {"results": payload, "back": back.pk if back else None, "participants": participants}
    signed = signing.dumps(body, salt=RESULT_SALT, compress=True)
    return reverse("wagtail_webinars:registration_result", args=[signed])


def _refuse_unreadable_form(request: HttpRequest, page) -> HttpResponse | None:
    """Our form page with Django's reason, when the POST's body cannot be read; else None."""
    problem = form_data_problem(request)
    if problem is None:
        return None
    form = build_form(page, {})
    form.refuse_unreadable(problem.message)
    return _render_form_page(request, page, form, status=problem.status)


def _handle_post(request: HttpRequest, page) -> HttpResponse:
    # The body is read here, before the CSRF check, which would otherwise read it first and
    # let Django answer an over-size body with its own English "Bad Request (400)".
    refused = _refuse_unreadable_form(request, page)
    if refused is not None:
        return refused
    if shared_cache.enabled():
        # Pages kept by a shared front-end cache carry no CSRF token: the browser's Origin
        # stands in for it, as for the JSON endpoints (origin.py). A cross-site POST is refused.
        if not is_allowed_origin(request):
            return _refuse_foreign_origin(request, page)
        return _handle_readable_post(request, page)
    return csrf_protect(_handle_readable_post)(request, page)


def _refuse_foreign_origin(request: HttpRequest, page) -> HttpResponse:
    form = build_form(page, {})
    form.refuse_unreadable(
        gettext(
            "The registration was not sent: it came from another website than this one. "
            "Open the webinar's page here and register there."
        )
    )
    return _render_form_page(request, page, form, status=403)


def _handle_readable_post(request: HttpRequest, page) -> HttpResponse:
    refused: dict[int, services.RegistrationError] = {}
    if is_series(page):
        # A date that closed after the page was loaded (cancelled, full) is refused in its own
        # result, the others are booked: the rule the JSON endpoint follows.
        options = series_options(page)
        kept, refused = set_aside_closed_dates(options, request.POST.getlist("sessions"))
        data = request.POST
        if refused:
            data = request.POST.copy()
            data.setlist("sessions", kept)
        form = build_form(page, data, options=options)
        if refused and not kept:
            form.fields["sessions"].required = False
    else:
        form = build_form(page, request.POST)
    # The limits of registration/limits.py, as the JSON endpoints count them: every POST, then
    # refused input in a budget of its own, or a valid registration in the network's and the
    # address's budgets.
    wait = limits.refused_any_post(request)
    if wait is None and not form.is_valid():
        wait = limits.refused_invalid(request)
        if wait is None:
            return _render_form_page(request, page, form)
    elif wait is None:
        page_ids = [s.pk for s in form.selected_sessions()] if is_series(page) else [page.pk]
        wait = limits.refused_valid(request, form.get_registration_request().email, page_ids)
    if wait is not None:
        return _rate_limited_form_page(request, page, form, wait)
    data = form.get_registration_request()
    if is_series(page):
        sessions = form.selected_sessions()
        try:
            results = services.register_for_series(page, sessions, data)
        except ValidationError as error:
            form.add_error(None, error)
            return _render_form_page(request, page, form)
        by_date = dict(zip([s.pk for s in sessions], results, strict=True)) | refused
        dated = [o.session for o in options if o.session.pk in by_date]
        pairs = [(s.pk, by_date[s.pk]) for s in dated]
        if all(isinstance(r, services.RegistrationError) for _, r in pairs):
            for session in dated:
                form.add_error(None, f"{session.title}: {by_date[session.pk].message}")
            return _render_form_page(request, page, form, status=409)
    else:
        try:
            outcome = services.register(page, data)
        except services.RegistrationError as error:
            form.add_error(None, str(error.message))
            return _render_form_page(request, page, form, status=409)
        except ValidationError as error:
            # The service's own input checks; the form normally refuses such input first.
            form.add_error(None, error)
            return _render_form_page(request, page, form)
        # An address already registered is answered as a new one: the same result page.
        pairs = [(page.pk, outcome)]
    return redirect(_result_url(pairs, back=page, participants=list(data.participants)))


def _rate_limited_form_page(request: HttpRequest, page, form, seconds: int) -> HttpResponse:
    form.is_valid()  # so that what the visitor typed is shown again
    form.add_error(
        None,
        gettext("Too many registrations have been sent from your network. Please try again later."),
    )
    response = _render_form_page(request, page, form, status=429)
    response["Retry-After"] = str(seconds)
    return response


def get_viewable_page(request: HttpRequest, model, page_id: int):
    """The live page, if ``request`` may see it; else 404, as for a page that does not exist.

    A private (view-restricted) page shows its form to those it lets in (logged in, in the
    group, or past its password), so their POST must be taken too: every restriction on the
    page and its ancestors is asked, as Wagtail's own page serving does. The JSON API has no
    session to carry a login or a password, and keeps refusing private pages.
    """
    page = get_object_or_404(model.objects.live(), pk=page_id)
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404("No page here")
    return page


@csrf_exempt  # checked in _handle_post(), once the body could be read
@require_http_methods(["GET", "POST"])
def session_register(request: HttpRequest, page_id: int) -> HttpResponse:
    """The registration form of one session on a page of its own; the target of every form."""
    session = get_viewable_page(request, session_page_model(), page_id)
    if request.method == "POST":
        return _handle_post(request, session)
    return _render_form_page(request, session)


@csrf_exempt  # checked in _handle_post(), once the body could be read
@require_http_methods(["GET", "POST"])
def series_register(request: HttpRequest, page_id: int) -> HttpResponse:
    """One form for all dates of a series, or the dates the visitor ticks."""
    series = get_viewable_page(request, series_page_model(), page_id)
    if request.method == "POST":
        return _handle_post(request, series)
    return _render_form_page(request, series)


@require_http_methods(["GET"])
def registration_result(request: HttpRequest, signed: str) -> HttpResponse:
    """ "You are registered" or "you are on the waiting list", per session."""
    try:
        payload = signing.loads(signed, salt=RESULT_SALT, max_age=RESULT_MAX_AGE)
        # A list: a result link signed before the page knew where to lead back (one day at most).
        body = payload if isinstance(payload, dict) else {"results": payload}
        items = [
            (int(session_id), str(code), str(message))
            for session_id, code, message in body["results"]
        ]
        back_id = body.get("back")
        participants = [str(name) for name in body.get("participants") or []]
    except (signing.BadSignature, TypeError, ValueError, KeyError) as error:
        raise Http404("Unknown or expired result") from error
    sessions = session_page_model().objects.in_bulk([item[0] for item in items])
    # What the answer said when it was sent: the result page shows no registration's state
    # now, since the same page answers an address that was already registered.
    results = [
        {"session": sessions[session_id], "status": code, "message": message}
        for session_id, code, message in items
        if session_id in sessions
    ]
    if not results:
        raise Http404("Nothing to show")
    back = None
    if isinstance(back_id, int):
        back = series_page_model().objects.live().public().filter(pk=back_id).first()
    return TemplateResponse(
        request,
        "wagtail_webinars/registration/result.html",
        shell_context(
            results=results, page=back or results[0]["session"], participants=participants
        ),
    )


CANCEL_REFERENCE_SALT = "wagtail_webinars.registration-cancel"
#: How long the cancel page that a cancel link opens keeps working (its URL, unlike the link's,
#: holds no token, and stops working after this).
CANCEL_REFERENCE_MAX_AGE = 30 * 60


def cancel_reference_url(registration) -> str:
    """The cancel page of ``registration`` under a signed, short-lived reference."""
    reference = signing.dumps(registration.pk, salt=CANCEL_REFERENCE_SALT)
    return reverse("wagtail_webinars:registration_cancel_page", kwargs={"reference": reference})


def _private(response: HttpResponse) -> HttpResponse:
    """Cancel pages are one person's: no cache keeps them, and no link on them tells another
    site where the visitor came from. ``same-origin``, not ``no-referrer``: with the latter,
    browsers send ``Origin: null`` with the page's own POST, which Django's CSRF check refuses."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _cancel_invalid(request: HttpRequest, *, expired: bool = False) -> HttpResponse:
    return _private(
        TemplateResponse(
            request,
            "wagtail_webinars/registration/cancel_invalid.html",
            shell_context(expired=expired),
            status=404,
        )
    )


@csrf_exempt  # checked in _cancel_post(), once the body could be read
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The personal cancel link from the e-mails.

    GET redirects to the cancel page under a short-lived signed reference, so that the token
    leaves the address bar: the page's own URL, the browser's history and the Referer of
    anything the page links to hold no working cancel link. A POST here cancels, as the link's
    form always did.
    """
    registration = services.get_registration_by_token(token)
    if registration is None:
        return _cancel_invalid(request)
    if request.method == "POST":
        return _cancel_form(request, registration)
    return _private(HttpResponseRedirect(cancel_reference_url(registration), status=303))


@csrf_exempt  # checked in _cancel_post(), once the body could be read
@require_http_methods(["GET", "POST"])
def registration_cancel_page(request: HttpRequest, reference: str) -> HttpResponse:
    """What a cancel link opens: GET shows what would be cancelled, only POST cancels.

    Mail scanners and link previews follow links with GET, so a GET must never cancel anyone.
    """
    try:
        registration_id = signing.loads(
            reference, salt=CANCEL_REFERENCE_SALT, max_age=CANCEL_REFERENCE_MAX_AGE
        )
    except signing.SignatureExpired:
        return _cancel_invalid(request, expired=True)
    except signing.BadSignature:
        return _cancel_invalid(request)
    registration = services.get_registration(registration_id)
    if registration is None:
        return _cancel_invalid(request)
    if request.method == "POST":
        return _cancel_form(request, registration)
    context = shell_context(registration=registration, session=registration.session)
    return _private(TemplateResponse(request, "wagtail_webinars/registration/cancel.html", context))


def _cancel_form(request: HttpRequest, registration) -> HttpResponse:
    context = shell_context(registration=registration, session=registration.session)
    problem = form_data_problem(request)
    if problem is not None:
        context["error"] = problem.message
        return _private(
            TemplateResponse(
                request, "wagtail_webinars/registration/cancel.html", context, status=problem.status
            )
        )
    return _private(csrf_protect(_cancel_post)(request, registration, context))


def _cancel_post(request: HttpRequest, registration, context) -> HttpResponse:
    if rate_limit_exceeded(request, "cancel", "CANCEL_RATE_LIMIT"):
        context["error"] = gettext(
            "Too many cancellations have been sent from your network. Please try again later."
        )
        response = TemplateResponse(
            request, "wagtail_webinars/registration/cancel.html", context, status=429
        )
        response["Retry-After"] = str(retry_after(request, "cancel", "CANCEL_RATE_LIMIT"))
        return response
    if registration.is_active:
        services.cancel(registration)
    return HttpResponseRedirect(cancel_reference_url(registration), status=303)

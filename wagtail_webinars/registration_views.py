"""HTML views of registration: "Anmäl dig", its result page and the personal cancel page.

They work without JavaScript. A successful POST redirects (POST/redirect/GET) to a result page
whose URL carries a signed list of what happened, so a reload never registers twice and no
visitor state is kept on the server. The rules themselves are ``services.register()`` and
friends; these views only validate input, call them and show what they said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from . import services
from .conf import webinar_settings
from .forms import RegistrationForm
from .models.pages import WebinarSeriesPageMixin
from .models.registrations import Registration
from .page_cache import cached_until_changed
from .pagemodel import series_page_model, session_page_model
from .ratelimit import rate_limit_exceeded

RESULT_SALT = "wagtail_webinars.registration-result"
# The result page is for the moment after sending; the e-mail is the lasting record.
RESULT_MAX_AGE = 60 * 60 * 24


def visitor_language(language: str | None = None) -> str:
    """ "en" for English visitors, otherwise "sv": the languages registrations are handled in.

    ``language`` is a language code (the active language when left out)."""
    language = language if language is not None else get_language()
    return "en" if (language or "").lower().startswith("en") else "sv"


def base_context(**extra: Any) -> dict[str, Any]:
    return {
        "webinars_base_template": webinar_settings.BASE_TEMPLATE,
        "webinars_main_landmark": webinar_settings.MAIN_LANDMARK,
        **extra,
    }


@dataclass
class SessionOption:
    """A date of a series as the series form shows it: open to register, or why not."""

    session: Any
    state: Any

    @property
    def can_register(self) -> bool:
        return bool(self.state.is_open)


def is_series(page) -> bool:
    return isinstance(page, WebinarSeriesPageMixin)


def series_options(series) -> list[SessionOption]:
    upcoming, _past = series.get_sessions()
    for session in upcoming:
        # The state looks up the session's series (for its capacity): we already hold it.
        session.__dict__["series"] = series
    return [SessionOption(s, services.registration_state(s)) for s in upcoming]


def build_form(page, data=None, *, options: list[SessionOption] | None = None) -> RegistrationForm:
    """The registration form for a session, or for a series' open dates."""
    sessions = None
    if is_series(page):
        options = series_options(page) if options is None else options
        sessions = [o.session for o in options if o.can_register]
    return RegistrationForm(
        data,
        page=page,
        # Every view of a session page builds the form: the questions are kept in the page
        # cache until a page or a question changes.
        questions=cached_until_changed(
            f"wagtail_webinars:questions:{page.pk}", lambda: services.get_questions(page)
        ),
        sessions=sessions,
        language=visitor_language(),
    )


def registration_context(
    page, form: RegistrationForm | None = None, *, with_form: bool = True
) -> dict[str, Any]:
    """What includes/registration_form.html needs for a session or series page.

    ``open`` says whether the form is shown at all; ``message`` says why not. Used by the session
    and series pages, ``RegistrationFormBlock`` and the views below, so all show the same thing.
    """
    context: dict[str, Any] = {"target": page, "is_series": is_series(page)}
    if is_series(page):
        options = series_options(page)
        open_options = [o for o in options if o.can_register]
        context["options"] = options
        context["closed_options"] = [o for o in options if not o.can_register]
        # The series' own switch and window, as register_for_series() applies them.
        series_state = services.series_registration_state(page)
        context["state"] = None
        context["open"] = bool(open_options) and series_state.is_open
        if not series_state.is_open:
            context["message"] = series_state.message
        elif not options:
            context["message"] = gettext("No dates in this series are planned at the moment.")
        elif not open_options:
            context["message"] = gettext("Registration is closed for every date of this series.")
        context["action"] = reverse("wagtail_webinars:series_register", args=[page.pk])
        context["hidden"] = not page.registration_enabled
    else:
        state = services.registration_state(page)
        context["state"] = state
        context["open"] = state.is_open
        context["message"] = state.message
        context["action"] = reverse("wagtail_webinars:session_register", args=[page.pk])
        # A webinar the editor does not take registrations for gets no "Anmäl dig" at all.
        context["hidden"] = state.reason_code == "disabled"
        options = None
    # A form sent back with errors is shown even if registration closed meanwhile, so that
    # nothing the visitor typed is lost; the summary at its top says why it was refused.
    context["show_form"] = context["open"] or form is not None
    context["options_for_form"] = options
    if context["show_form"] and with_form:
        context["form"] = form or build_form(page, options=options)
    return context


REGISTRATION_TEMPLATE = "wagtail_webinars/includes/registration.html"
# Stands in for the visitor's CSRF token in a cached fragment; replaced on every request.
CSRF_PLACEHOLDER = "__wagtail_webinars_csrf_token__"


def render_registration(request: HttpRequest | None, page) -> str:
    """ "Anmäl dig" for a session or series page, as includes/registration.html renders it.

    The empty form looks the same to every visitor while the registration state (open, places
    left, waiting list, why it is closed) stays the same, so it is rendered once per state and
    kept in the page cache with a placeholder for the CSRF token, which is filled in for each
    request. The state itself is read fresh every time. A form with errors never comes here:
    the registration view renders it directly.
    """
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string

    from . import page_cache

    registration = registration_context(page, with_form=False)
    if registration["hidden"]:
        return ""
    in_preview = getattr(request, "is_preview", False)
    key = None if in_preview else page_cache.registration_fragment_key(page, registration)
    html = page_cache.get_cache().get(key) if key else None
    if html is None:
        if registration["show_form"]:
            registration["form"] = build_form(page, options=registration["options_for_form"])
        html = render_to_string(
            REGISTRATION_TEMPLATE,
            {"target": page, "registration": registration, "csrf_token": CSRF_PLACEHOLDER},
            request=request,
        )
        if key:
            page_cache.get_cache().set(key, html, webinar_settings.CACHE_TIMEOUT)
    token = get_token(request) if request is not None else ""
    # Rendered by our own template (autoescaped); the token is Django's, of [a-zA-Z0-9].
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308


def _render_form_page(request: HttpRequest, page, form=None, status: int = 200) -> HttpResponse:
    return TemplateResponse(
        request,
        "wagtail_webinars/registration/register.html",
        base_context(page=page, registration=registration_context(page, form)),
        status=status,
    )


def _result_url(results: list[tuple[int, object]]) -> str:
    """A result page URL that lists, signed, each session with its registration or error."""
    payload = []
    for session_id, result in results:
        if isinstance(result, services.RegistrationError):
            payload.append([session_id, None, result.code, str(result.message)])
        else:
            payload.append([session_id, result.registration.pk, result.status, ""])
    signed = signing.dumps(payload, salt=RESULT_SALT, compress=True)
    return reverse("wagtail_webinars:registration_result", args=[signed])


def _handle_post(request: HttpRequest, page) -> HttpResponse:
    form = build_form(page, request.POST)
    if rate_limit_exceeded(request, "registration", "REGISTRATION_RATE_LIMIT"):
        form.is_valid()  # so that what the visitor typed is shown again
        form.add_error(
            None,
            gettext(
                "Too many registrations have been sent from your network. Please try again later."
            ),
        )
        return _render_form_page(request, page, form, status=429)
    if not form.is_valid():
        return _render_form_page(request, page, form)
    data = form.get_registration_request()
    if is_series(page):
        sessions = form.selected_sessions()
        try:
            results = services.register_for_series(page, sessions, data)
        except ValidationError as error:
            form.add_error(None, error)
            return _render_form_page(request, page, form)
        pairs = list(zip([s.pk for s in sessions], results, strict=True))
        if all(isinstance(r, services.RegistrationError) for r in results):
            for session, error in zip(sessions, results, strict=True):
                form.add_error(None, f"{session.title}: {error.message}")
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
        pairs = [(page.pk, outcome)]
    return redirect(_result_url(pairs))


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


@require_http_methods(["GET", "POST"])
def session_register(request: HttpRequest, page_id: int) -> HttpResponse:
    """The registration form of one session on a page of its own; the target of every form."""
    session = get_viewable_page(request, session_page_model(), page_id)
    if request.method == "POST":
        return _handle_post(request, session)
    return _render_form_page(request, session)


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
    except signing.BadSignature as error:
        raise Http404("Unknown or expired result") from error
    sessions = session_page_model().objects.in_bulk([item[0] for item in payload])
    registration_ids = [item[1] for item in payload if item[1]]
    registrations = Registration.objects.select_related(None).in_bulk(registration_ids)
    results = []
    for session_id, registration_id, code, message in payload:
        session = sessions.get(session_id)
        if session is None:
            continue
        registration = registrations.get(registration_id) if registration_id else None
        results.append(
            {
                "session": session,
                "registration": registration,
                # The registration's status now: a promotion since then shows as confirmed.
                "status": registration.status if registration else code,
                "message": message,
            }
        )
    if not results:
        raise Http404("Nothing to show")
    return TemplateResponse(
        request,
        "wagtail_webinars/registration/result.html",
        base_context(results=results, page=results[0]["session"]),
    )


@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The personal cancel link: GET shows what would be cancelled, only POST cancels.

    Mail scanners and link previews follow links with GET, so a GET must never cancel anyone.
    """
    registration = services.get_registration_by_token(token)
    if registration is None:
        return TemplateResponse(
            request,
            "wagtail_webinars/registration/cancel_invalid.html",
            base_context(),
            status=404,
        )
    context = base_context(registration=registration, session=registration.session)
    if request.method == "POST":
        if rate_limit_exceeded(request, "cancel", "CANCEL_RATE_LIMIT"):
            context["error"] = gettext(
                "Too many cancellations have been sent from your network. Please try again later."
            )
            return TemplateResponse(
                request, "wagtail_webinars/registration/cancel.html", context, status=429
            )
        if registration.is_active:
            services.cancel_registration(token)
        return redirect(reverse("wagtail_webinars:registration_cancel", kwargs={"token": token}))
    return TemplateResponse(request, "wagtail_webinars/registration/cancel.html", context)

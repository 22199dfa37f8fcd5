"""What registration shows: the form for a session or a series, and the state it is in.

The one place that decides what "Anmäl dig" looks like, for the template tag, the page types,
``RegistrationFormBlock``, the HTML views and the JSON views alike: which dates of a series can
be booked, which form class a page registers with, and the cached empty form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .. import page_cache
from ..conf import webinar_settings
from ..language import visitor_language
from ..models.pages import WebinarSeriesPageMixin
from . import services
from .forms import RegistrationForm


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


def get_form_class(page) -> type[RegistrationForm]:
    """The form class ``page`` registers with: its ``registration_form_class``, a dotted path
    or a class (``RegistrationForm`` by default), like Wagtail's ``FormMixin.get_form_class()``.

    A site that wants another field or rule subclasses ``RegistrationForm`` and names it on its
    page type; the HTML form, the JSON API and the registration block all use it.
    """
    form_class = page.registration_form_class
    return import_string(form_class) if isinstance(form_class, str) else form_class


def build_form(page, data=None, *, options: list[SessionOption] | None = None) -> RegistrationForm:
    """The registration form for a session, or for a series' open dates."""
    sessions = None
    extra: dict[str, Any] = {}
    if is_series(page):
        options = series_options(page) if options is None else options
        sessions = [o.session for o in options if o.can_register]
        extra["waitlisted_sessions"] = [
            o.session for o in options if o.can_register and o.state.waitlist_open
        ]
    return get_form_class(page)(
        data,
        page=page,
        **extra,
        # Every view of a session page builds the form: the questions are kept in the page
        # cache until a page or a question changes.
        questions=page_cache.cached_until_changed(
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


def _request_registration_context(request: HttpRequest | None, page) -> dict[str, Any]:
    """registration_context() once per request and page: the call at the top and the form
    further down show the same state, read with one set of queries."""
    memo = getattr(request, "_wagtail_webinars_registration", None) if request else None
    if memo is None:
        memo = {}
        if request is not None:
            request._wagtail_webinars_registration = memo
    if page.pk not in memo:
        memo[page.pk] = registration_context(page, with_form=False)
    return dict(memo[page.pk])


CALL_TEMPLATE = "wagtail_webinars/includes/registration_call.html"


def render_registration_call(request: HttpRequest | None, page) -> str:
    """ "Anmäl dig" near the top of a page: a link to the form further down, with the places
    left or "Fullbokat – anmäl dig till väntelistan", or why registration is closed."""
    from django.template.loader import render_to_string

    registration = _request_registration_context(request, page)
    if registration["hidden"]:
        return ""
    return render_to_string(
        CALL_TEMPLATE, {"target": page, "registration": registration}, request=request
    )


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

    registration = _request_registration_context(request, page)
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



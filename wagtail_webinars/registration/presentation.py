"""What registration shows: the form for a session or a series, and the state it is in.

The one place that decides what "Anmäl dig" looks like, for the template tag, the page types,
``RegistrationFormBlock``, the HTML views and the JSON views alike: which dates of a series can
be booked, which form class a page registers with, and the cached empty form.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .. import page_cache, shared_cache
from ..conf import webinar_settings
from ..dates import isoformat
from ..language import visitor_language
from ..models import RegistrationQuestion
from ..models.pages import SERIES_SESSIONS_MEMO, WebinarSeriesPageMixin
from ..pagemodel import series_page_model, session_page_model
from . import services
from .forms import ANSWER_PREFIX, HONEYPOT_FIELD, RegistrationForm, consent_version


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


def series_options(series, upcoming: list | None = None) -> list[SessionOption]:
    """The series' upcoming dates, each with its state; ``upcoming`` when the caller has read
    them already (``series.get_sessions()[0]``)."""
    if upcoming is None:
        upcoming, _past = series.get_sessions()
    for session in upcoming:
        # The state looks up the session's series (for its capacity): we already hold it.
        session.__dict__["series"] = series
    # One grouped count for every date (services.registration_states), not one per date.
    states = services.registration_states(upcoming)
    return [SessionOption(s, states[s.pk]) for s in upcoming]


def set_aside_closed_dates(
    options: list[SessionOption], requested: Any
) -> tuple[Any, dict[int, services.RegistrationError]]:
    """Split a series request's list of dates: the ones the form offers stay in the list, and
    each of the series' dates that cannot be booked (cancelled, started, closed, full without a
    waiting list) gets its own refusal, so the others are booked (docs/registration.md) rather
    than the whole request failing on one date. Anything else stays in the list for the form
    to judge."""
    if not isinstance(requested, list):
        return requested, {}
    closed = {o.session.pk: o for o in options if not o.can_register}
    kept, refused = [], {}
    for value in requested:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            kept.append(value)
            continue
        if pk in closed:
            state = closed[pk].state
            error = (
                services.RegistrationFull(state.message)
                if state.reason_code == "full"
                else services.RegistrationClosed(state.message)
            )
            refused[pk] = error
        else:
            kept.append(value)
    return kept, refused


def get_form_class(page) -> type[RegistrationForm]:
    """The form class ``page`` registers with: its ``registration_form_class``, a dotted path
    or a class (``RegistrationForm`` by default), like Wagtail's ``FormMixin.get_form_class()``.

    A site that wants another field or rule subclasses ``RegistrationForm`` and names it on its
    page type; the HTML form, the JSON API and the registration block all use it.
    """
    form_class = page.registration_form_class
    return import_string(form_class) if isinstance(form_class, str) else form_class


def build_form(
    page, data=None, *, options: list[SessionOption] | None = None, questions: list | None = None
) -> RegistrationForm:
    """The registration form for a session, or for a series' open dates; ``questions`` when the
    caller has fetched them already."""
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
        questions=questions
        if questions is not None
        else page_cache.cached_until_changed(
            f"wagtail_webinars:questions:{page.pk}", lambda: services.get_questions(page)
        ),
        sessions=sessions,
        language=visitor_language(),
    )


def registration_context(
    page,
    form: RegistrationForm | None = None,
    *,
    with_form: bool = True,
    options: list[SessionOption] | None = None,
) -> dict[str, Any]:
    """What includes/registration_form.html needs for a session or series page.

    ``open`` says whether the form is shown at all; ``message`` says why not. Used by the session
    and series pages, ``RegistrationFormBlock`` and the views below, so all show the same thing.
    """
    context: dict[str, Any] = {"target": page, "is_series": is_series(page)}
    if is_series(page):
        options = series_options(page) if options is None else options
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
# What {% csrf_token %} makes of it: left out of pages a shared front-end cache keeps.
CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">'


def _request_registration_context(request: HttpRequest | None, page) -> dict[str, Any]:
    """registration_context() once per request and page: the call at the top and the form
    further down show the same state, read with one set of queries."""
    memo = getattr(request, "_wagtail_webinars_registration", None) if request else None
    if memo is None:
        memo = {}
        if request is not None:
            request._wagtail_webinars_registration = memo
    if page.pk not in memo:
        options = None
        # The dates the series page itself has read for this request, if it has.
        read = getattr(request, SERIES_SESSIONS_MEMO, {}).get(page.pk) if request else None
        if read is not None and is_series(page):
            options = series_options(page, upcoming=read[0])
        memo[page.pk] = registration_context(page, with_form=False, options=options)
    return dict(memo[page.pk])


CALL_TEMPLATE = "wagtail_webinars/includes/registration_call.html"


def render_registration_call(request: HttpRequest | None, page) -> str:
    """ "Anmäl dig" near the top of a page: a link to the form further down, with the places
    left or "Fullbokat – anmäl dig till väntelistan", or why registration is closed."""
    from django.template.loader import render_to_string

    registration = _request_registration_context(request, page)
    if registration["hidden"]:
        return ""
    # A plain context: the template needs no context processor, and running them all again for
    # this one line was a tenth of the session page's own cost. ``request`` is still passed for
    # a host's override of the template.
    return render_to_string(
        CALL_TEMPLATE, {"target": page, "registration": registration, "request": request}
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
    if shared_cache.is_shared_request(request):
        # The same page for every visitor, so no token of one: the view checks the POST's
        # Origin instead (views._handle_post), and no CSRF cookie makes the page uncacheable.
        return mark_safe(html.replace(CSRF_INPUT, "").replace(CSRF_PLACEHOLDER, ""))  # noqa: S308
    token = get_token(request) if request is not None else ""
    # Rendered by our own template (autoescaped); the token is Django's, of [a-zA-Z0-9].
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308


# ---------------------------------------------------------------------------------------------
# The form as data: what a frontend on another origin needs to render and send it (API v2)
# ---------------------------------------------------------------------------------------------


def _field_type(field) -> str:
    """The type a frontend renders a form field as; ``text`` for a widget we do not know."""
    widget = field.widget
    for widget_class, name in (
        (django_forms.CheckboxSelectMultiple, "checkboxes"),
        (django_forms.RadioSelect, "radio"),
        (django_forms.Select, "select"),
        (django_forms.CheckboxInput, "checkbox"),
        (django_forms.Textarea, "textarea"),
        (django_forms.EmailInput, "email"),
        (django_forms.NumberInput, "number"),
    ):
        if isinstance(widget, widget_class):
            return name
    return "text"


def _flat_choices(choices) -> list[dict[str, str]]:
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(_flat_choices(label))
        elif value not in ("", None):
            flat.append({"value": str(value), "label": str(label)})
    return flat


def form_fields_json(form: RegistrationForm) -> list[dict[str, Any]]:
    """Every field the JSON endpoint takes, named as the JSON body names it (an editor's question
    as ``answers.<name>``), in the order the HTML form shows them. The robots' trap is left out."""
    fields = []
    for name, field in form.fields.items():
        if name == HONEYPOT_FIELD:
            continue
        json_name = (
            f"answers.{name[len(ANSWER_PREFIX) :]}" if name.startswith(ANSWER_PREFIX) else name
        )
        choices = getattr(field, "choices", None)
        fields.append(
            {
                "name": json_name,
                "label": str(field.label or ""),
                "type": _field_type(field),
                "required": bool(field.required),
                "help_text": html.unescape(str(field.help_text or "")),
                "choices": _flat_choices(choices) if choices is not None else [],
                "max_length": getattr(field, "max_length", None),
            }
        )
    return fields


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _prefetch_sessions(
    sessions: list, *, questions: bool = True
) -> tuple[dict[int, tuple[int, int]], dict[int, list]]:
    """For all ``sessions`` at once: their series (kept on each), their places taken and waiting,
    and their questions (their own, else their series'): three queries whatever their number."""
    missing = [s for s in sessions if "series" not in s.__dict__]
    parent_paths = {s.path[: -s.steplen] for s in missing if s.depth and s.depth > 1}
    parents = (
        {p.path: p for p in series_page_model().objects.filter(path__in=parent_paths)}
        if parent_paths
        else {}
    )
    for session in missing:
        session.__dict__["series"] = parents.get(session.path[: -session.steplen])
    parents.update(
        {s.__dict__["series"].path: s.__dict__["series"] for s in sessions if s.__dict__["series"]}
    )
    counts = services.count_registrations(s.pk for s in sessions)
    if not questions:
        return counts, {}
    page_ids = {s.pk for s in sessions} | {p.pk for p in parents.values()}
    by_page: dict[int, list] = {}
    for question in RegistrationQuestion.objects.filter(page_id__in=page_ids).order_by(
        "sort_order"
    ):
        by_page.setdefault(question.page_id, []).append(question)
    chosen = {}
    for session in sessions:
        series = session.__dict__.get("series")
        chosen[session.pk] = by_page.get(session.pk) or (
            by_page.get(series.pk, []) if series is not None else []
        )
    return counts, chosen


def _schema(
    page,
    request,
    state,
    form,
    *,
    open_: bool,
    message: str,
    places_left,
    waiting_list,
    capacity,
    endpoint: str,
    ics: str,
) -> dict[str, Any]:
    consent_text = form.consent_text
    return {
        "enabled": bool(page.registration_enabled),
        "open": bool(open_),
        "state": state,
        "message": str(message or ""),
        "opens_at": isoformat(page.registration_opens_at) if page.registration_opens_at else None,
        "closes_at": isoformat(page.registration_closes_at)
        if page.registration_closes_at
        else None,
        "capacity": capacity,
        "places_left": places_left,
        "waiting_list": bool(waiting_list),
        "fields": form_fields_json(form),
        "consent": {"text": consent_text, "version": consent_version(consent_text)},
        "privacy_policy_url": webinar_settings.PRIVACY_POLICY_URL or None,
        "endpoint": _absolute(request, reverse(endpoint, args=[page.pk])),
        "ics_url": _absolute(request, reverse(ics, args=[page.pk])),
    }


def session_registration_json(sessions: list, request: HttpRequest | None) -> dict[int, dict]:
    """The ``registration`` object of each session in API v2, keyed by page id; the same state
    and message as the session page shows (``services.registration_state``)."""
    counts, questions = _prefetch_sessions(sessions)
    result = {}
    for session in sessions:
        taken, waiting = counts.get(session.pk, (0, 0))
        state = services.registration_state(session, places_taken=taken, waiting=waiting)
        form = get_form_class(session)(
            None, page=session, questions=questions[session.pk], language=visitor_language()
        )
        if state.is_open:
            code = "waiting_list" if state.waitlist_open else "open"
        else:
            code = state.reason_code or "closed"
        result[session.pk] = _schema(
            session,
            request,
            code,
            form,
            open_=state.is_open,
            message=state.message,
            places_left=state.places_left,
            waiting_list=state.waitlist_open
            or (bool(session.registration_waitlist) and state.capacity is not None),
            capacity=state.capacity,
            endpoint="wagtail_webinars:api_session_registrations",
            ics="wagtail_webinars:session_calendar",
        )
    return result


def series_registration_json(series_list: list, request: HttpRequest | None) -> dict[int, dict]:
    """The ``registration`` object of each series in API v2, keyed by page id: its own form, for
    its open dates (``sessions`` among the fields), as the series page shows it
    (``registration_context``). Four queries whatever the number of series and dates."""
    now = timezone.now()
    condition = Q()
    for series in series_list:
        condition |= Q(path__startswith=series.path, depth=series.depth + 1)
    children = list(
        session_page_model().objects.live().public().filter(condition).order_by("start")
        if series_list
        else []
    )
    by_path = {series.path: series for series in series_list}
    for session in children:
        session.__dict__["series"] = by_path.get(session.path[: -session.steplen])
    counts, _ = _prefetch_sessions(children, questions=False)
    by_page: dict[int, list] = {}
    for question in RegistrationQuestion.objects.filter(
        page_id__in=[s.pk for s in series_list]
    ).order_by("sort_order"):
        by_page.setdefault(question.page_id, []).append(question)
    result = {}
    for series in series_list:
        options = []
        for session in children:
            if session.__dict__["series"] is series and session.end >= now:
                taken, waiting = counts.get(session.pk, (0, 0))
                state = services.registration_state(session, places_taken=taken, waiting=waiting)
                options.append(SessionOption(session, state))
        context = registration_context(series, with_form=False, options=options)
        series_state = services.series_registration_state(series)
        form = build_form(series, options=options, questions=by_page.get(series.pk, []))
        if context["open"]:
            code = "open"
        elif not series_state.is_open:
            code = series_state.reason_code or "closed"
        elif not options:
            code = "no_dates"
        else:
            code = "closed"
        result[series.pk] = _schema(
            series,
            request,
            code,
            form,
            open_=context["open"],
            message=context.get("message", ""),
            places_left=None,
            waiting_list=bool(series.registration_waitlist),
            capacity=series.registration_capacity,
            endpoint="wagtail_webinars:api_series_registrations",
            ics="wagtail_webinars:series_calendar",
        )
    return result

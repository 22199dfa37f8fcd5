"""Admin views of the registrations admin. Cancel and resend call the service functions."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language_info, gettext as _, ngettext
from wagtail_modeladmin.views import InspectView

from .. import dates
from ..models.registrations import Registration, RegistrationStatus
from ..pagemodel import session_page_model
from ..registration import audit, retention, services
from ..registration.forms import HONEYPOT_FIELD
from ..registration.presentation import build_form
from . import permissions, statistics
from .export import answer_text


def _registration_or_403(model_admin: Any, request: HttpRequest, instance_pk: str) -> Registration:
    """The registration to act on: 403 without the permissions to manage registrations, 404 for
    one outside the editor's pages (``permissions``), as for one that does not exist."""
    if not model_admin.permission_helper.user_can_manage(request.user):
        raise PermissionDenied
    # The URL pattern takes any word; an id that is not a number names no registration.
    if not (instance_pk.isascii() and instance_pk.isdigit()):
        raise Http404("No registration has this id.")
    return get_object_or_404(permissions.visible_registrations(request.user), pk=int(instance_pk))


def registration_action_view(
    model_admin: Any,
    *,
    action: Callable[[Registration], Any],
    log_action: Callable[..., None],
    template_name: str,
    success_message: Callable[[Registration], str],
):
    """An admin view for one action on one registration, through the registration rules:
    GET shows what will happen and a button, only POST does it, writes it to the session page's
    history (``log_action``) and goes back to the list."""

    def view(request: HttpRequest, instance_pk: str) -> HttpResponse:
        registration = _registration_or_403(model_admin, request, instance_pk)
        if request.method == "POST":
            try:
                action(registration)
            except services.RegistrationError as error:
                # The rules refused (no place left, the webinar has started): say why.
                messages.error(request, str(error.message))
            else:
                registration.refresh_from_db()
                log_action(registration, user=request.user)
                messages.success(request, success_message(registration))
            return redirect(model_admin.url_helper.index_url)
        return TemplateResponse(
            request,
            template_name,
            {
                "registration": registration,
                "view": {"model_admin": model_admin},
                "index_url": model_admin.url_helper.index_url,
            },
        )

    return view


def cancel_view(model_admin: Any):
    """Cancel a registration: ``services.cancel()``, as the visitor's cancel link does."""
    return registration_action_view(
        model_admin,
        action=services.cancel,
        log_action=audit.log_cancel,
        template_name="wagtail_webinars/modeladmin/registration_cancel.html",
        success_message=lambda registration: (
            _("The registration of %(name)s has been cancelled.") % {"name": registration.name}
        ),
    )


def resend_view(model_admin: Any):
    """Queue the e-mail that matches the registration's status again."""
    return registration_action_view(
        model_admin,
        action=services.resend_confirmation,
        log_action=audit.log_resend,
        template_name="wagtail_webinars/modeladmin/registration_resend.html",
        success_message=lambda registration: (
            _("The e-mail to %(email)s is queued again.") % {"email": registration.email}
        ),
    )


class RegistrationInspectView(permissions.OnlyReachableRegistrationMixin, InspectView):
    """A registration read like a record (only of a session the editor reaches: 404 otherwise): the form's own labels, the municipality by name, the
    further participants as a list, each answer under its question, the consent text that was
    accepted, and every e-mail sent about it with its kind, state and times."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        registration = self.instance
        session = registration.session
        context["registration"] = registration
        context["session"] = session
        context["session_start"] = dates.format_datetime(session.start) if session.start else ""
        context["times"] = {
            name: dates.format_datetime(value) if value else ""
            for name in ("created_at", "promoted_at", "cancelled_at")
            for value in [getattr(registration, name)]
        }
        context["answers"] = answer_rows(registration)
        context["emails"] = [
            (
                email,
                dates.admin_datetime(email.created_at),
                dates.admin_datetime(email.sent_at) if email.sent_at else "",
            )
            for email in registration.emails.order_by("created_at", "pk")
        ]
        context["language_name"] = language_name(registration.language)
        return context


def answer_rows(registration: Registration) -> list[tuple[str, str]]:
    """(question, answer) for each answer, in the order of the session's questions; an answer
    to a question the editor has since removed keeps its stored name."""
    answers = dict(registration.answers or {})
    rows = []
    for question in services.get_questions(registration.session):
        if question.clean_name in answers:
            rows.append((question.label, answer_text(answers.pop(question.clean_name))))
    rows.extend((name, answer_text(value)) for name, value in answers.items())
    return rows


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def promote_view(model_admin: Any):
    """Give one person on the waiting list a place: ``services.promote()``, the capacity rule
    of every registration, out of turn because an editor chose so."""
    return registration_action_view(
        model_admin,
        action=services.promote,
        log_action=audit.log_promote,
        template_name="wagtail_webinars/modeladmin/registration_promote.html",
        success_message=lambda registration: (
            _("%(name)s has a place now and gets an e-mail about it.") % {"name": registration.name}
        ),
    )


def add_view(model_admin: Any):
    """Register someone by hand (a phone call, a paper form): the session's own registration
    form, its questions and consent included, validated and saved by ``services.register()``
    exactly as the public form is, so the capacity, the waiting list and the e-mails apply."""

    def view(request: HttpRequest) -> HttpResponse:
        if not model_admin.permission_helper.user_can_manage(request.user):
            raise PermissionDenied
        sessions = bookable_sessions(model_admin, request)
        session = _chosen_session(request, sessions)
        form = None
        if session is not None:
            data = request.POST if request.method == "POST" else None
            form = build_form(session, data)
            if data is not None and form.is_valid():
                try:
                    outcome = services.register(session, form.get_registration_request())
                except services.RegistrationError as error:
                    form.add_error(None, str(error.message))
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if outcome.is_duplicate:
                        form.add_error(
                            "email",
                            _("This address is already registered for this webinar."),
                        )
                    else:
                        audit.log_add(outcome.registration, user=request.user)
                        messages.success(request, added_message(outcome.registration))
                        return redirect(model_admin.url_helper.index_url)
        return TemplateResponse(
            request,
            "wagtail_webinars/modeladmin/registration_add.html",
            {
                "sessions": sessions,
                "session": session,
                "form": form,
                "fields": [field for field in form if field.name != HONEYPOT_FIELD] if form else [],
                "index_url": model_admin.url_helper.index_url,
            },
        )

    return view


def bookable_sessions(model_admin: Any, request: HttpRequest) -> list:
    """Sessions that have not started, soonest first: the ones a registration can still be for,
    of the pages the editor reaches."""
    return list(
        permissions.visible_sessions(request.user)
        .filter(start__gt=timezone.now())
        .order_by("start")
        .values("pk", "title", "start")
    )


def _chosen_session(request: HttpRequest, sessions: list) -> Any | None:
    value = request.POST.get("session") or request.GET.get("session") or ""
    chosen = next((s for s in sessions if str(s["pk"]) == value), None)
    # The full page object: the form reads its settings, questions and series.
    return session_page_model().objects.get(pk=chosen["pk"]) if chosen else None


def added_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        return _(
            "%(name)s is on the waiting list for “%(session)s” and gets an e-mail about it."
        ) % {"name": registration.name, "session": registration.session.title}
    return _("%(name)s is registered for “%(session)s” and gets a confirmation.") % {
        "name": registration.name,
        "session": registration.session.title,
    }


def statistics_view(model_admin: Any):
    """Statistics per series (``statistics.py``): registrations per session and per
    municipality or region, as tables and bar charts; ``?export=csv`` downloads both."""

    def view(request: HttpRequest) -> HttpResponse:
        if not model_admin.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        # The list's own queryset: an editor counts only the registrations they may see.
        registrations = model_admin.get_queryset(request)
        context = statistics.context(request, registrations)
        if request.GET.get("export") == "csv" and context["series"] is not None:
            # The counts leave the admin as a file: logged per session, as the other exports.
            audit.log_municipality_counts_export(
                registrations.filter(
                    session__in=session_page_model().objects.child_of(context["series"])
                ),
                user=request.user,
            )
            return statistics.csv_response(
                context["series"], context["sessions"], context["municipalities"]
            )
        context["index_url"] = model_admin.url_helper.index_url
        return TemplateResponse(request, "wagtail_webinars/modeladmin/statistics.html", context)

    return view


def counted_registrations(user: Any, session_id: int | None = None):
    """The confirmed registrations the counts per municipality are made of: of one session or of
    all, and only those ``user`` may see."""
    registrations = permissions.visible_registrations(
        user, Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
    )
    if session_id:
        registrations = registrations.filter(session_id=session_id)
    return registrations


def municipality_counts_view(model_admin: Any):
    """Counts per municipality, per session or in all; ``?export=csv`` downloads them."""

    def view(request: HttpRequest) -> HttpResponse:
        if not model_admin.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        try:
            session_id = int(request.GET.get("session") or 0) or None
        except ValueError:
            session_id = None
        registrations = counted_registrations(request.user, session_id)
        rows = statistics.municipality_rows(registrations)
        if request.GET.get("export") == "csv":
            audit.log_municipality_counts_export(registrations, user=request.user)
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                'attachment; filename="registrations-per-municipality.csv"'
            )
            writer = csv.writer(response)
            writer.writerow(
                [_("Code"), _("Municipality or region"), _("Registrations"), _("Participants")]
            )
            for row in rows:
                writer.writerow([row.detail, row.label, row.registrations, row.participants])
            return response
        sessions = (
            session_page_model()
            .objects.filter(
                pk__in=permissions.visible_registrations(request.user).values("session_id")
            )
            .order_by("-start")
        )
        return TemplateResponse(
            request,
            "wagtail_webinars/modeladmin/municipality_counts.html",
            {
                "rows": rows,
                "sessions": sessions,
                "session_id": session_id,
                "total_places": sum(row.participants for row in rows),
                "index_url": model_admin.url_helper.index_url,
            },
        )

    return view


def person_request_view(model_admin: Any):
    """A person's request (GDPR articles 15 and 17): find what is stored about an address in all
    sessions, download it as JSON, erase it. Superusers only: it reaches every site's sessions."""

    def view(request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        email = (request.POST.get("email") or request.GET.get("email") or "").strip()
        if request.method == "POST" and email:
            report = retention.erase_person(email, user=request.user)
            messages.success(
                request,
                ngettext(
                    "The personal data of %(count)d registration has been erased.",
                    "The personal data of %(count)d registrations has been erased.",
                    report.registrations,
                )
                % {"count": report.registrations},
            )
            return redirect(request.path)
        data = retention.personal_data_of(email) if email else None
        if data is not None and request.GET.get("download") == "json":
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
            return response
        return TemplateResponse(
            request,
            "wagtail_webinars/modeladmin/person_request.html",
            {"email": email, "data": data, "index_url": model_admin.url_helper.index_url},
        )

    return view

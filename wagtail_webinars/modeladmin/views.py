"""Admin views of the registrations admin. Cancel and resend call the service functions."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..data import municipality_label, swedish_sort_key
from ..models.registrations import Registration, RegistrationStatus
from ..pagemodel import session_page_model
from ..registration import services


def _registration_or_403(model_admin: Any, request: HttpRequest, instance_pk: str) -> Registration:
    if not model_admin.permission_helper.user_can_manage(request.user):
        raise PermissionDenied
    # The URL pattern takes any word; an id that is not a number names no registration.
    if not (instance_pk.isascii() and instance_pk.isdigit()):
        raise Http404("No registration has this id.")
    return get_object_or_404(Registration, pk=int(instance_pk))


def registration_action_view(
    model_admin: Any,
    *,
    action: Callable[[Registration], Any],
    template_name: str,
    success_message: Callable[[Registration], str],
):
    """An admin view for one action on one registration, through the registration rules:
    GET shows what will happen and a button, only POST does it (then back to the list)."""

    def view(request: HttpRequest, instance_pk: str) -> HttpResponse:
        registration = _registration_or_403(model_admin, request, instance_pk)
        if request.method == "POST":
            action(registration)
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
        template_name="wagtail_webinars/modeladmin/registration_cancel.html",
        success_message=lambda registration: _(
            "The registration of %(name)s has been cancelled."
        )
        % {"name": registration.name},
    )


def resend_view(model_admin: Any):
    """Queue the e-mail that matches the registration's status again."""
    return registration_action_view(
        model_admin,
        action=services.resend_confirmation,
        template_name="wagtail_webinars/modeladmin/registration_resend.html",
        success_message=lambda registration: _("The e-mail to %(email)s is queued again.")
        % {"email": registration.email},
    )


def municipality_rows(session_id: int | None = None) -> list[dict[str, Any]]:
    """Confirmed attendance per municipality or region (registrations and places), largest
    first; for one session or for all."""
    registrations = Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
    if session_id:
        registrations = registrations.filter(session_id=session_id)
    rows = [
        {
            "code": row["municipality_code"],
            "name": municipality_label(row["municipality_code"])
            if row["municipality_code"]
            else "–",
            "registrations": row["registrations"],
            "places": row["places"] or 0,
        }
        for row in registrations.values("municipality_code").annotate(
            registrations=Count("pk"), places=Sum("places")
        )
    ]
    rows.sort(key=lambda r: (-r["places"], swedish_sort_key(r["name"])))
    return rows


def municipality_counts_view(model_admin: Any):
    """Counts per municipality, per session or in all; ``?export=csv`` downloads them."""

    def view(request: HttpRequest) -> HttpResponse:
        if not model_admin.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        try:
            session_id = int(request.GET.get("session") or 0) or None
        except ValueError:
            session_id = None
        rows = municipality_rows(session_id)
        if request.GET.get("export") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                'attachment; filename="registrations-per-municipality.csv"'
            )
            writer = csv.writer(response)
            writer.writerow(
                [_("Code"), _("Municipality or region"), _("Registrations"), _("Participants")]
            )
            for row in rows:
                writer.writerow([row["code"], row["name"], row["registrations"], row["places"]])
            return response
        sessions = (
            session_page_model()
            .objects.filter(pk__in=Registration.objects.values("session_id"))
            .order_by("-start")
        )
        return TemplateResponse(
            request,
            "wagtail_webinars/modeladmin/municipality_counts.html",
            {
                "rows": rows,
                "sessions": sessions,
                "session_id": session_id,
                "total_places": sum(r["places"] for r in rows),
                "index_url": model_admin.url_helper.index_url,
            },
        )

    return view

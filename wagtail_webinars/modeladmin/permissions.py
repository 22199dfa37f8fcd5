"""Who sees which registrations in the admin.

An editor sees, exports and opens a registration only if their groups hold the model permission
``view_registration`` and they reach the registration's session by Wagtail's page permissions
(``wagtail_webinars.page_access``: the session page, or a page above it, may be edited or
published by them). Cancel and resend also need ``change_registration``. The list, the inspect and
history views, the export, the counts per municipality, and the cancel and resend views all read
through these functions.

A registration outside an editor's pages is answered as if it did not exist (404), as Django's
admin does for objects outside ``get_queryset()``: a number is no proof that someone registered.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from wagtail_modeladmin.views import HistoryView

from .. import page_access
from ..models.registrations import Registration
from ..pagemodel import session_page_model

APP_LABEL = Registration._meta.app_label


def can_view_registrations(user: Any) -> bool:
    """The model permission to see registrations at all (of the sessions one reaches)."""
    return user.has_perm(f"{APP_LABEL}.view_registration")


def can_manage_registrations(user: Any) -> bool:
    """Cancel and resend: the change permission, beside the view permission."""
    return can_view_registrations(user) and user.has_perm(f"{APP_LABEL}.change_registration")


def visible_registrations(user: Any, queryset=None):
    """``queryset`` (all registrations by default) narrowed to what ``user`` may see."""
    if queryset is None:
        queryset = Registration.objects.all()
    if not can_view_registrations(user):
        return queryset.none()
    return queryset.filter(page_access.reachable_page_filter(user, "session"))


def visible_sessions(user: Any):
    """The session pages whose registrations ``user`` may see (and add to)."""
    sessions = session_page_model().objects.all()
    if not can_view_registrations(user):
        return sessions.none()
    return sessions.filter(page_access.reachable_page_filter(user, "page_ptr"))


def reaches_registration(user: Any, registration: Registration) -> bool:
    """Whether the registration's session is one of the pages ``user`` reaches. No query when the
    session is already loaded (the list selects it)."""
    return page_access.can_reach(user, registration.session)


def can_view_registration(user: Any, registration: Registration) -> bool:
    return can_view_registrations(user) and reaches_registration(user, registration)


class OnlyReachableRegistrationMixin:
    """For modeladmin's views of one instance (the inspect view in ``views``, the history view): a registration outside the editor's pages is a 404
    (before the model permission is asked, which would answer 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reaches_registration(request.user, self.instance):
            raise Http404("No registration has this id.")
        return super().dispatch(request, *args, **kwargs)


class RegistrationHistoryView(OnlyReachableRegistrationMixin, HistoryView):
    """The registration's own history (its erasure): modeladmin asks for no permission at all
    here, so the same rule as the inspect view is applied."""

    def check_action_permitted(self, user: Any) -> bool:
        return can_view_registration(user, self.instance)

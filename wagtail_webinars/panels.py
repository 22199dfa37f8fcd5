"""Panels of our page editors that show more than a field: the registration counts of a session
or series (``RegistrationSettingsMixin.registration_counts()``), with a link to its
registrations in the registrations admin. Imports nothing of ours: the models import it."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from wagtail.admin.panels import Panel

#: The registrations admin's list (wagtail-modeladmin names its URLs so).
REGISTRATIONS_INDEX = "wagtail_webinars_registration_modeladmin_index"


class RegistrationCountsPanel(Panel):
    """"12 places confirmed of 40 (9 registrations), 3 on the waiting list", and a link to the
    registrations, on a saved session or series. The link is shown only to editors who may view
    registrations: editing a page does not by itself reveal who registered."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_webinars/panels/registration_counts.html"

        def is_shown(self) -> bool:
            return bool(self.instance and self.instance.pk) and super().is_shown()

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            context.update(self.instance.registration_counts())
            user = getattr(self.request, "user", None)
            if user is not None and user.has_perm("wagtail_webinars.view_registration"):
                context["registrations_url"] = registrations_url(self.instance)
            return context


def registrations_url(page: Any) -> str | None:
    try:
        index = reverse(REGISTRATIONS_INDEX)
    except NoReverseMatch:  # a site without the registrations admin
        return None
    if getattr(page, "webinar_page_kind", "") == "series":
        return f"{index}?series={page.pk}"
    return f"{index}?session__id__exact={page.pk}"

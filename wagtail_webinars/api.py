"""Wagtail API v2 endpoints for this app's snippets. A host registers them on its own router:

    from wagtail_webinars.api import register_api_endpoints
    register_api_endpoints(api_router)
"""

from __future__ import annotations

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet

from .models import ContactPerson, Notice, Speaker, TechnicalHelpFAQ


class LiveSnippetAPIViewSet(BaseAPIViewSet):
    """Lists published snippets only; drafts stay in the admin."""

    def get_queryset(self):
        return self.model.objects.filter(live=True).order_by("id")


class SpeakersAPIViewSet(LiveSnippetAPIViewSet):
    model = Speaker
    body_fields = BaseAPIViewSet.body_fields + ["name", "title", "organisation", "bio"]
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "title"]


class ContactPersonsAPIViewSet(LiveSnippetAPIViewSet):
    model = ContactPerson
    body_fields = BaseAPIViewSet.body_fields + ["name", "role", "email", "phone", "organisation"]
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "role"]


class NoticesAPIViewSet(LiveSnippetAPIViewSet):
    model = Notice
    body_fields = BaseAPIViewSet.body_fields + [
        "title", "text", "url", "link_label", "show_from", "show_until",
    ]
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["title", "show_from"]

    def get_queryset(self):
        return Notice.objects.current().order_by("-show_from")


class TechnicalHelpAPIViewSet(LiveSnippetAPIViewSet):
    model = TechnicalHelpFAQ
    body_fields = BaseAPIViewSet.body_fields + ["title", "intro", "items"]
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["title"]


ENDPOINTS = {
    "webinar_speakers": SpeakersAPIViewSet,
    "webinar_contacts": ContactPersonsAPIViewSet,
    "webinar_notices": NoticesAPIViewSet,
    "webinar_technical_help": TechnicalHelpAPIViewSet,
}


def register_api_endpoints(router: WagtailAPIRouter) -> None:
    """Register every endpoint of this app on the host's API v2 router."""
    for name, viewset in ENDPOINTS.items():
        router.register_endpoint(name, viewset)

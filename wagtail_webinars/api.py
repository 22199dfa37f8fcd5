"""Wagtail API v2 endpoints for this app's snippets. A host registers them on its own router:

    from wagtail_webinars.api import register_api_endpoints
    register_api_endpoints(api_router)

Pages need nothing of ours: the page types' ``api_fields`` serve them through the host's own
``PagesAPIViewSet`` (see docs/api.md), with a fixed number of queries per response.
"""

from __future__ import annotations

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet

from .models import ContactPerson, Notice, Speaker, TechnicalHelpFAQ


class LiveSnippetAPIViewSet(BaseAPIViewSet):
    """Lists published snippets only; drafts stay in the admin. The fields are the model's
    ``api_fields``; ``fields=*`` or the detail view shows them all."""

    def get_queryset(self):
        return self.model.objects.filter(live=True).order_by("id")


class SpeakersAPIViewSet(LiveSnippetAPIViewSet):
    model = Speaker
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "title"]

    def get_queryset(self):
        # The photo and its renditions for every speaker of the page of results, in two queries.
        return super().get_queryset().select_related("photo").prefetch_related("photo__renditions")


class ContactPersonsAPIViewSet(LiveSnippetAPIViewSet):
    model = ContactPerson
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "role"]


class NoticesAPIViewSet(LiveSnippetAPIViewSet):
    """Notices shown now (published, within their dates), newest first."""

    model = Notice
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["title", "show_from"]

    def get_queryset(self):
        return Notice.objects.current().select_related("link_page").order_by("-show_from", "id")


class TechnicalHelpAPIViewSet(LiveSnippetAPIViewSet):
    model = TechnicalHelpFAQ
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["title"]


ENDPOINTS: dict[str, type[BaseAPIViewSet]] = {
    "webinar_speakers": SpeakersAPIViewSet,
    "webinar_contacts": ContactPersonsAPIViewSet,
    "webinar_notices": NoticesAPIViewSet,
    "webinar_technical_help": TechnicalHelpAPIViewSet,
}


def register_api_endpoints(router: WagtailAPIRouter, prefix: str = "") -> None:
    """Register every endpoint of this app on the host's API v2 router, under the names in
    ``ENDPOINTS`` (``/api/v2/webinar_speakers/`` …), optionally with ``prefix`` before each."""
    for name, viewset in ENDPOINTS.items():
        router.register_endpoint(prefix + name, viewset)

"""The site's own webinar page types: our mixins on the site's base page model."""

from tests.custom_page.basepage.models import BasePage
from wagtail_webinars.models import (
    WebinarListingPageMixin,
    WebinarSeriesPageMixin,
    WebinarSessionPageMixin,
)
from wagtail_webinars.models.pages import WebinarPageManager


class SeriesPage(WebinarSeriesPageMixin, BasePage):
    subpage_types = ["webinarpages.SessionPage"]
    content_panels = WebinarSeriesPageMixin.content_panels
    search_fields = BasePage.search_fields + WebinarSeriesPageMixin.search_fields
    api_fields = WebinarSeriesPageMixin.api_fields
    objects = WebinarPageManager()


class SessionPage(WebinarSessionPageMixin, BasePage):
    subpage_types: list[str] = []
    content_panels = WebinarSessionPageMixin.content_panels
    search_fields = BasePage.search_fields + WebinarSessionPageMixin.search_fields
    api_fields = WebinarSessionPageMixin.api_fields
    objects = WebinarPageManager()


class ListingPage(WebinarListingPageMixin, BasePage):
    subpage_types: list[str] = []
    content_panels = WebinarListingPageMixin.content_panels
    search_fields = BasePage.search_fields + WebinarListingPageMixin.search_fields
    api_fields = WebinarListingPageMixin.api_fields
    objects = WebinarPageManager()

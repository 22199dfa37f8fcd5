"""The shared factories, building the site's own page types instead of ours."""

from tests.factories import (
    WebinarListingPageFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)


class SeriesPageFactory(WebinarSeriesPageFactory):
    class Meta:
        model = "webinarpages.SeriesPage"


class SessionPageFactory(WebinarSessionPageFactory):
    department = "Avdelningen för demokrati och styrning"

    class Meta:
        model = "webinarpages.SessionPage"


class ListingPageFactory(WebinarListingPageFactory):
    class Meta:
        model = "webinarpages.ListingPage"

"""Models of wagtail_webinars, split by sub-domain and re-exported here explicitly."""

from .pages import (
    ComputedStatus,
    JoinLinkVisibility,
    PageContactPerson,
    PageSpeaker,
    SessionStatus,
    WebinarListingPage,
    WebinarListingPageMixin,
    WebinarPageMixin,
    WebinarSeriesPage,
    WebinarSeriesPageMixin,
    WebinarSessionPage,
    WebinarSessionPageMixin,
)
from .snippets import ContactPerson, Notice, Speaker, TechnicalHelpFAQ

__all__ = [
    "ComputedStatus",
    "ContactPerson",
    "JoinLinkVisibility",
    "Notice",
    "PageContactPerson",
    "PageSpeaker",
    "SessionStatus",
    "Speaker",
    "TechnicalHelpFAQ",
    "WebinarListingPage",
    "WebinarListingPageMixin",
    "WebinarPageMixin",
    "WebinarSeriesPage",
    "WebinarSeriesPageMixin",
    "WebinarSessionPage",
    "WebinarSessionPageMixin",
]

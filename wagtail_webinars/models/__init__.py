"""Models of wagtail_webinars, split by sub-domain and re-exported here explicitly.

The feedback models are the feedback app's: ``wagtail_webinars.feedback.models``.
"""

from .pages import (
    ComputedStatus,
    JoinLinkVisibility,
    PageContactPerson,
    PageSpeaker,
    RegistrationFormPlacement,
    SessionStatus,
    WebinarListingPage,
    WebinarListingPageMixin,
    WebinarPageMixin,
    WebinarSeriesPage,
    WebinarSeriesPageMixin,
    WebinarSessionPage,
    WebinarSessionPageMixin,
)
from .registrations import (
    AbstractRegistrationQuestion,
    DeliveryState,
    EmailKind,
    EmailState,
    QuestionType,
    Registration,
    RegistrationEmail,
    RegistrationQuestion,
    RegistrationSettingsMixin,
    RegistrationStatus,
    RetentionRun,
    SessionPlaces,
)
from .snippets import ContactPerson, Notice, Speaker, TechnicalHelpFAQ

__all__ = [
    "AbstractRegistrationQuestion",
    "DeliveryState",
    "EmailKind",
    "EmailState",
    "QuestionType",
    "Registration",
    "RegistrationEmail",
    "RegistrationQuestion",
    "RegistrationSettingsMixin",
    "RegistrationStatus",
    "RetentionRun",
    "SessionPlaces",
    "ComputedStatus",
    "ContactPerson",
    "JoinLinkVisibility",
    "RegistrationFormPlacement",
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

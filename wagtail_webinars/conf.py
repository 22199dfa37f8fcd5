"""The one place that reads ``settings.WAGTAIL_WEBINARS``.

Every key has its default here and is documented once, in docs/settings.md. Code reads a value as
``webinar_settings.BASE_TEMPLATE``; the object is rebuilt when a test overrides the setting, and an
unknown key is reported by the system check ``wagtail_webinars.E004`` rather than silently ignored.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

SETTING_NAME = "WAGTAIL_WEBINARS"

DEFAULTS: dict[str, Any] = {
    # Template that wagtail_webinars/base.html extends: the host site's own page shell.
    "BASE_TEMPLATE": "base.html",
    # Wrap our content in <main>. Turn off when the host's base template already has a <main>.
    "MAIN_LANDMARK": True,
    # Time zone that session times are shown in, whatever settings.TIME_ZONE says.
    "TIME_ZONE": "Europe/Stockholm",
    # Dotted path of the class that builds a session's downloadable .ics (see ical.py).
    "CALENDAR_CLASS": "wagtail_webinars.ical.PublishedSessionCalendar",
    # Dotted path of the class that builds the invitation in confirmation e-mails.
    "INVITATION_CLASS": "wagtail_webinars.ical.RegistrationInvitation",
    # Minutes before the start that calendar files remind (a VALARM); None: no reminder.
    "CALENDAR_ALARM_MINUTES": 15,
    # Sessions per page on a WebinarListingPage.
    "LISTING_PER_PAGE": 10,
    # Dates per page on a series page, upcoming and past each (?sida=2, ?tidigare=2); a series
    # form with more open dates than this groups them by month and ticks none beforehand.
    "SERIES_SESSIONS_PER_PAGE": 20,
    # Origins (scheme://host[:port]) of separate frontends: they may POST to the JSON endpoints and
    # get CORS answers from them and from API v2. None: django-cors-headers' CORS_ALLOWED_ORIGINS.
    "ALLOWED_FRONTEND_ORIGINS": None,
    # Feedback POSTs (HTML and JSON together) per client network, e.g. "30/m"; None: no limit.
    "FEEDBACK_RATE_LIMIT": "30/m",
    # Seconds within which identical feedback from one visitor is counted once.
    "FEEDBACK_DEDUP_SECONDS": 10,
    # Offer the comment box after "Ja" too, not only after "Nej".
    "FEEDBACK_COMMENT_AFTER_YES": False,
    # The site's own wording of the widget: {"question": ..., "yes": ..., "no": ..., "thanks": ...,
    # "comment_label": ..., "comment_help": ...}; unset keys use the translated defaults.
    "FEEDBACK_TEXTS": {},
    # Dotted path of the feedback service class (validate, scrub, de-duplicate, save).
    "FEEDBACK_SERVICE": "wagtail_webinars.feedback.services.FeedbackService",
    # Sender of registration e-mails; None uses settings.DEFAULT_FROM_EMAIL.
    "EMAIL_FROM": None,
    # Attempts to send one registration e-mail before it is marked failed for editors to see.
    "EMAIL_MAX_ATTEMPTS": 6,
    # Seconds before the first retry of a failed e-mail; doubles with each further attempt.
    "EMAIL_RETRY_BACKOFF": 60,
    # Seconds after which an e-mail claimed by a sender that never finished (a worker killed
    # mid-send) may be claimed and sent again, with the same Message-ID.
    "EMAIL_SENDING_TIMEOUT": 600,
    # Minutes before a session starts at which webinars_send_reminders sends a reminder, one per
    # offset: a day and an hour before.
    "REMINDER_MINUTES_BEFORE": [24 * 60, 60],
    # Older form of the above, one reminder this many hours before; read only when a site sets it
    # and not REMINDER_MINUTES_BEFORE.
    "REMINDER_HOURS_BEFORE": 24,
    # Days after a session ends within which webinars_send_reminders sends the follow-up (the
    # recording and the "After the broadcast" material) once an editor has added it; None: never.
    "FOLLOW_UP_DAYS": 14,
    # Registration POSTs of any kind (HTML and JSON together) per client network: the hard cap
    # that stops floods, e.g. "1000/h"; None: no limit. See registration/limits.py.
    "REGISTRATION_RATE_LIMIT": "1000/h",
    # Valid registrations per client network (an office behind one NAT address is one network).
    "REGISTRATION_NETWORK_RATE_LIMIT": "300/h",
    # Registrations refused for their input per client network: a budget of their own.
    "REGISTRATION_FAILURE_RATE_LIMIT": "500/h",
    # Valid registrations per e-mail address and webinar, from any network.
    "REGISTRATION_ADDRESS_RATE_LIMIT": "5/h",
    # Cancellation POSTs allowed per client network; None: no limit.
    "CANCEL_RATE_LIMIT": "20/h",
    # Text of the consent checkbox; None uses the package's translated default.
    "REGISTRATION_CONSENT_TEXT": None,
    # URL of the site's privacy policy, linked next to the consent checkbox; "" for no link.
    "PRIVACY_POLICY_URL": "",
    # Most further participants one registration may name.
    "REGISTRATION_MAX_PARTICIPANTS": 10,
    # Above this many rows the registrations export offers CSV instead of XLSX.
    "EXPORT_XLSX_MAX_ROWS": 100_000,
    # Cache (an alias of settings.CACHES) for the visitor-independent fragments of session and
    # series pages.
    "CACHE_ALIAS": "default",
    # Seconds a cached page fragment is kept; 0 turns fragment caching off, None keeps them until
    # a change makes them stale. Changes are picked up at once either way (see page_cache.py).
    "CACHE_TIMEOUT": 600,
    # Let a shared front-end cache (Varnish, a CDN) keep the webinar pages: they are sent
    # "Cache-Control: public, s-maxage=…" without a CSRF token (the registration form's POST is
    # checked by its Origin instead), and purged through wagtail.contrib.frontend_cache when a
    # registration changes what they show. See shared_cache.py and docs/deployment.md.
    "FRONTEND_CACHE": False,
    # Longest time (seconds) a shared cache may keep a webinar page; shorter when the clock
    # changes the page sooner (registration opens or closes, the session starts or ends).
    "FRONTEND_CACHE_MAX_AGE": 300,
    # Days after a session ends that webinars_purge_personal_data erases its registrants' names,
    # addresses and answers (counts, status, places and municipality stay). See docs/dataskydd.md.
    "PERSONAL_DATA_RETENTION_DAYS": 90,
    # Days after an answer that its feedback comment is erased (the yes/no stays); None: kept.
    "FEEDBACK_COMMENT_RETENTION_DAYS": 365,
}


class WebinarSettings:
    """Read-only view of the host's ``WAGTAIL_WEBINARS`` dict merged over ``DEFAULTS``."""

    def __init__(self, user_settings: dict[str, Any] | None = None) -> None:
        self._user_settings = user_settings

    @property
    def user_settings(self) -> dict[str, Any]:
        if self._user_settings is None:
            self._user_settings = dict(getattr(settings, SETTING_NAME, {}) or {})
        return self._user_settings

    def unknown_keys(self) -> list[str]:
        return sorted(set(self.user_settings) - set(DEFAULTS))

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"{SETTING_NAME} has no setting {name!r}")
        value = self.user_settings.get(name, DEFAULTS[name])
        # Cache so that later reads skip the dict lookups.
        setattr(self, name, value)
        return value

    def reload(self) -> None:
        for key in DEFAULTS:
            self.__dict__.pop(key, None)
        self._user_settings = None


webinar_settings = WebinarSettings()


def reload_webinar_settings(*, setting: str, **kwargs: Any) -> None:
    """Receiver for ``setting_changed``, connected in ``AppConfig.ready()``."""
    if setting == SETTING_NAME:
        webinar_settings.reload()


def shell_context(**extra: Any) -> dict[str, Any]:
    """What ``wagtail_webinars/base.html`` reads from the settings to wrap a page of ours in the
    host's own page shell, plus ``extra``; for views that render a page of their own."""
    return {
        "webinars_base_template": webinar_settings.BASE_TEMPLATE,
        "webinars_main_landmark": webinar_settings.MAIN_LANDMARK,
        **extra,
    }

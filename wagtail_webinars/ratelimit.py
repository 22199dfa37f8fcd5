"""Per-IP rate limits for the public POST endpoints (registration, cancellation, feedback).

Counts live in Django's cache through django-ratelimit, so they hold across processes and
machines when the host's cache is shared (Redis, Memcached). django-ratelimit keys each counter
by a SHA-256 hash of group, window and address, so the IP address itself is never stored. Behind
a reverse proxy, set django-ratelimit's ``RATELIMIT_IP_META_KEY`` so that the visitor's address is
counted rather than the proxy's; ``RATELIMIT_USE_CACHE`` picks another cache than ``default``.

Limits are settings of ours (``WAGTAIL_WEBINARS["REGISTRATION_RATE_LIMIT"]`` …) in
django-ratelimit's notation, ``"20/h"``; ``None`` switches a limit off.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from .conf import webinar_settings

GROUP_PREFIX = "wagtail_webinars."


def rate_limit_exceeded(request: HttpRequest, group: str, setting: str) -> bool:
    """Count this request against ``group`` and say whether the visitor's IP is over the limit.

    ``setting`` is the name of the conf key that holds the rate, for example
    ``"REGISTRATION_RATE_LIMIT"``. Call it once per request that should count; the HTML form and
    the JSON endpoint of one action share a group so that switching entrance does not reset it.
    """
    rate = getattr(webinar_settings, setting)
    if not rate:
        return False
    return is_ratelimited(request, group=GROUP_PREFIX + group, key="ip", rate=rate, increment=True)

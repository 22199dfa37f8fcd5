"""Rate limits for the public POST endpoints (registration, cancellation, feedback), counted
per client network (``client_network()``: an IPv4 address, an IPv6 /64) or per a value the
caller names; ``limit_retry_after()`` gives the seconds a 429's ``Retry-After`` says. How the
registration limits fit together is ``registration/limits.py``; ``limits_retry_after()`` counts
several limits of one request in one round trip to Redis.

Counts live in Django's cache through django-ratelimit, so they hold across processes and
machines when the host's cache is shared (Redis, Memcached). django-ratelimit keys each counter
by a SHA-256 hash of group, window and address, so the IP address itself is never stored. Behind
a reverse proxy, set django-ratelimit's ``RATELIMIT_IP_META_KEY`` so that the visitor's address is
counted rather than the proxy's; ``RATELIMIT_USE_CACHE`` picks another cache than ``default``.

``client_address()`` is the one rule for "who is this visitor" that every limit and the feedback
widget's de-duplication use. It reads the key ``RATELIMIT_IP_META_KEY`` names (a ``META`` key
such as ``"HTTP_X_FORWARDED_FOR"``, or a callable or its dotted path, as django-ratelimit allows)
and, when that header is a list (``client, proxy1, proxy2``), takes its last valid address: the
one the site's own proxy appended, which a visitor cannot forge by sending the header
themselves. django-ratelimit itself would refuse such a list with a ``ValueError``.

Limits are settings of ours (``WAGTAIL_WEBINARS["REGISTRATION_RATE_LIMIT"]`` …) in
django-ratelimit's notation, ``"300/h"``; ``None`` switches a limit off.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    # django-ratelimit's own key and window rules, so that both ways count the same counters
    # (tests/test_ratelimit.py checks that they do).
    _get_window,
    _make_cache_key,
    _split_rate,
    get_usage,
)

from .conf import webinar_settings

GROUP_PREFIX = "wagtail_webinars."


def limit_retry_after(
    request: HttpRequest,
    group: str,
    setting: str,
    *,
    value: str | None = None,
    increment: bool = True,
    rate: str | None = None,
) -> int | None:
    """Count this request against ``group`` (unless ``increment`` is false: only look) and give
    the seconds until its window ends when the count is over the limit; None when it is not.

    ``setting`` is the name of the conf key that holds the rate, for example
    ``"REGISTRATION_RATE_LIMIT"``. The counter is kept per client network (``client_network()``)
    unless ``value`` names what to count by instead (for example an e-mail address and a
    session); django-ratelimit stores only a hash of it. The seconds are what a 429 answer's
    ``Retry-After`` says. ``rate`` given, it is used instead of the setting's.
    """
    rate = rate or getattr(webinar_settings, setting)
    if not rate:
        return None
    key = _network_key if value is None else (lambda group, request: value)
    usage = get_usage(request, group=GROUP_PREFIX + group, key=key, rate=rate, increment=increment)
    if usage is None or not usage["should_limit"]:
        return None
    # time_left is -1 when the cache could not be read: limited, try again in a minute.
    return usage["time_left"] if usage["time_left"] > 0 else 60


@dataclass(frozen=True)
class Limit:
    """One counter for ``limits_retry_after()``: the group, the conf key of its rate, and what
    it counts by (``None``: the client network)."""

    group: str
    setting: str
    value: str | None = None


def limits_retry_after(request: HttpRequest, limits: Iterable[Limit]) -> int | None:
    """Count this request against every one of ``limits`` and give the longest wait of those
    over their limit, or None when none is.

    The same counters as ``limit_retry_after()`` (django-ratelimit's keys, windows and expiry),
    counted together: on Django's Redis cache in one round trip (a pipeline of ``SET NX`` and
    ``INCR`` per counter, where django-ratelimit makes three round trips per counter), on other
    caches one counter after the other.
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    counters = []
    for limit in limits:
        rate = getattr(webinar_settings, limit.setting)
        if not rate:
            continue
        value = client_network(request) if limit.value is None else limit.value
        counters.append((GROUP_PREFIX + limit.group, rate, value))
    if not counters:
        return None
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if not isinstance(cache, RedisCache):
        waits = [
            limit_retry_after(request, group.removeprefix(GROUP_PREFIX), "", value=value, rate=rate)
            for group, rate, value in counters
        ]
        refused = [wait for wait in waits if wait is not None]
        return max(refused) if refused else None
    # MULTI/EXEC, still one round trip: no INCR can meet a key that expired after its SET NX.
    pipeline = cache._cache.get_client(None, write=True).pipeline(transaction=True)
    windows = []
    for group, rate, value in counters:
        limit, period = _split_rate(rate)
        window = _get_window(value, period)
        key = cache.make_and_validate_key(_make_cache_key(group, window, rate, value, ALL))
        # django-ratelimit's add(key, 1) else incr(key): the same count and the same expiry.
        pipeline.set(key, 0, nx=True, ex=period + EXPIRATION_FUDGE)
        pipeline.incr(key)
        windows.append((limit, window))
    replies = pipeline.execute()
    now = int(time.time())
    refused = []
    for (limit, window), count in zip(windows, replies[1::2], strict=True):
        if count > limit:
            refused.append(window - now if window - now > 0 else 60)
    return max(refused) if refused else None


def rate_limit_exceeded(request: HttpRequest, group: str, setting: str) -> bool:
    """Count this request against ``group`` and say whether the visitor's network is over the
    limit. Call it once per request that should count; the HTML form and the JSON endpoint of
    one action share a group so that switching entrance does not reset it."""
    return limits_retry_after(request, [Limit(group, setting)]) is not None


def retry_after(request: HttpRequest, group: str, setting: str) -> int:
    """Seconds until the visitor's network may try ``group`` again, without counting: for the
    ``Retry-After`` of an answer whose limit ``rate_limit_exceeded()`` reported."""
    return limit_retry_after(request, group, setting, increment=False) or 60


def _forwarded_value(request: HttpRequest) -> str:
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if not meta_key:
        return request.META.get("REMOTE_ADDR", "")
    if callable(meta_key):
        return str(meta_key(request) or "")
    if "." in meta_key:
        return str(import_string(meta_key)(request) or "")
    return request.META.get(meta_key, "")


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address as the site's proxy setting says, or ``""`` when none is valid.

    A list (``X-Forwarded-For: forged, client``) gives its last valid entry; a value that is no
    address at all falls back to ``REMOTE_ADDR``. Never raises, whatever the headers hold.
    """
    for candidate in reversed(_forwarded_value(request).split(",")):
        address = _valid_address(candidate)
        if address:
            return address
    return _valid_address(request.META.get("REMOTE_ADDR", "")) or ""


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_network(request: HttpRequest) -> str:
    """``client_address()`` cut to the network django-ratelimit counts as one visitor
    (``RATELIMIT_IPV4_MASK``, default 32 bits; ``RATELIMIT_IPV6_MASK``, default 64)."""
    address = client_address(request)
    if not address:
        return ""
    ip = ipaddress.ip_address(address)
    mask = (
        getattr(settings, "RATELIMIT_IPV4_MASK", 32)
        if ip.version == 4
        else getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    )
    return str(ipaddress.ip_network(f"{address}/{mask}", strict=False))


def _network_key(group: str, request: HttpRequest) -> str:
    return client_network(request)

"""``limits_retry_after()`` counts several limits of a request in one round trip to Redis: the
same counters as django-ratelimit's ``get_usage()`` (keys, windows, expiry), so that both ways
add up to one budget, on Redis and on any other cache."""

import contextlib
import socket
import uuid

import pytest
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from wagtail_webinars.ratelimit import (
    GROUP_PREFIX,
    Limit,
    limit_retry_after,
    limits_retry_after,
)


def _redis_answers() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return True
    return False


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip("needs Redis at 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/6",
                "KEY_PREFIX": f"ww-test-ratelimit-{uuid.uuid4().hex}",
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": uuid.uuid4().hex,
            }
        }
    return request.param


def visitor(address="203.0.113.7"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def usage(request, group, rate, value):
    return get_usage(
        request, group=GROUP_PREFIX + group, key=lambda g, r: value, rate=rate, increment=False
    )["count"]


def test_the_batch_counts_django_ratelimits_own_counters(cache_backend, settings):
    settings.WAGTAIL_WEBINARS = {
        "REGISTRATION_NETWORK_RATE_LIMIT": "3/h",
        "REGISTRATION_ADDRESS_RATE_LIMIT": "2/h",
    }
    request = visitor()
    limits = [
        Limit("registration.address", "REGISTRATION_ADDRESS_RATE_LIMIT", value="key\x1f7"),
        Limit("registration.network", "REGISTRATION_NETWORK_RATE_LIMIT"),
    ]

    assert limits_retry_after(request, limits) is None
    assert usage(request, "registration.address", "2/h", "key\x1f7") == 1
    assert usage(request, "registration.network", "3/h", "203.0.113.7/32") == 1
    # One counter counted the old way adds to the same budget.
    assert (
        limit_retry_after(request, "registration.network", "REGISTRATION_NETWORK_RATE_LIMIT")
        is None
    )
    assert usage(request, "registration.network", "3/h", "203.0.113.7/32") == 2

    assert limits_retry_after(request, limits) is None  # address 2 of 2, network 3 of 3
    wait = limits_retry_after(request, limits)  # both over
    assert wait is not None and 0 < wait <= 3600


def test_each_network_and_each_value_has_its_own_budget(cache_backend, settings):
    settings.WAGTAIL_WEBINARS = {"REGISTRATION_RATE_LIMIT": "1/h"}
    limits = [Limit("registration", "REGISTRATION_RATE_LIMIT")]

    assert limits_retry_after(visitor("203.0.113.7"), limits) is None
    assert limits_retry_after(visitor("203.0.113.7"), limits) is not None
    assert limits_retry_after(visitor("198.51.100.1"), limits) is None


def test_a_limit_switched_off_counts_nothing(cache_backend, settings):
    settings.WAGTAIL_WEBINARS = {"REGISTRATION_RATE_LIMIT": None}
    request = visitor()
    for _ in range(5):
        assert (
            limits_retry_after(request, [Limit("registration", "REGISTRATION_RATE_LIMIT")]) is None
        )
    assert limits_retry_after(request, []) is None

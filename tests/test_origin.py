"""Which origins may post to the JSON endpoints and the feedback form (``origin``): the site's
own, the configured frontends, and CSRF_TRUSTED_ORIGINS read as Django reads it."""

import pytest
from django.test import RequestFactory

from wagtail_webinars.origin import is_allowed_origin


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://app.kommun.example", True),
        ("https://kommun.example", True),
        ("http://app.kommun.example", False),
        ("https://app.kommun.example.evil", False),
        ("https://evilkommun.example", False),
    ],
)
def test_wildcard_trusted_origins_are_matched_as_django_matches_them(settings, origin, allowed):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.kommun.example"]
    request = RequestFactory().post("/", HTTP_ORIGIN=origin, HTTP_HOST="testserver")

    assert is_allowed_origin(request) is allowed

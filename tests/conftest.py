import os

import pytest
from wagtail.models import Page, Site

# Playwright drives the browser from the test thread while live_server serves Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def site(db):
    """The default site, with its root page as `wagtail start` leaves it."""
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home(site):
    return site.root_page.specific


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()

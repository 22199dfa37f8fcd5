import os

import pytest
from django.conf import settings
from wagtail.models import Locale, Page, Site

# Playwright drives the browser from the test thread while live_server serves Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def ensure_wagtail_tree() -> Site:
    """The default site with its root and home page, as `wagtail start` leaves them.

    Wagtail creates these in data migrations; a transactional test (live_server) flushes them, so
    tests that run after one recreate them here.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=Page(title="Välkommen", slug="home"))
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


@pytest.fixture
def site(db):
    # Wagtail keeps the site root paths in the cache, and a rolled-back test that added a site
    # fires no signal to clear them: with a cache that outlives the test (Redis), page.url would
    # then come out absolute, as on a multi-site install.
    Site.clear_site_root_paths_cache()
    return ensure_wagtail_tree()


@pytest.fixture
def home(site):
    return site.root_page.specific


@pytest.fixture
def root_page(site):
    return Page.get_first_root_node()


@pytest.fixture
def fresh_rate_limits(settings):
    """Rate-limit counters of this test's own (a new key prefix), so that requests made by earlier
    tests from the same 127.0.0.1 do not count, without clearing a cache others share."""
    import uuid

    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"

import copy
import datetime
import os
import uuid

import pytest
import time_machine
from django.conf import settings
from wagtail.models import Locale, Page, Site

from tests.clock import NOW, START
from tests.factories import WebinarSessionPageFactory

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
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"


@pytest.fixture
def frozen():
    """The clock stopped at ``tests.clock.NOW``; the fixture's value moves it (``shift``,
    ``move_to``)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def own_cache(settings):
    """The suite's cache (local memory, or Redis with WW_CACHE=redis) under a key prefix of this
    test's own: rate-limit counters, de-duplication keys and cached fragments start empty, and a
    shared Redis is never flushed under other tests' feet."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"ww-test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def local_cache(settings):
    """A new, empty local-memory cache, whatever cache the suite runs with: for a test that clears
    the cache, or whose cached values must expire by the travelling clock (Redis keeps its own
    time)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"ww-test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def session(home):
    """A published session under the home page, at the suite's fixed START, 90 minutes long.
    A test module that needs another session defines its own ``session``."""
    return WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet",
        start=START,
        end=START + datetime.timedelta(minutes=90),
    )


class Region:
    """One region's site: its home page, a session on it, and an editor whose group may edit that
    site's pages (``page_permission``) and holds ``codenames`` (``view_registration`` …)."""

    def __init__(self, root_page, slug, title, user_model, codenames, page_permission="change"):
        from django.contrib.auth.models import Group, Permission
        from wagtail.models import GroupPagePermission

        self.home = root_page.add_child(instance=Page(title=title, slug=slug))
        self.site = Site.objects.create(hostname=f"{slug}.example", root_page=self.home)
        self.session = WebinarSessionPageFactory(
            parent=self.home,
            title=f"Webbinarium i {title}",
            start=START,
            end=START + datetime.timedelta(minutes=90),
        )
        self.group = Group.objects.create(name=f"Redaktörer {title}")
        self.group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in codenames:
            self.group.permissions.add(Permission.objects.get(codename=codename))
        GroupPagePermission.objects.create(
            group=self.group, page=self.home, permission_type=page_permission
        )
        self.editor = user_model.objects.create_user(f"redaktor-{slug}", f"{slug}@example.org", "x")
        self.editor.groups.add(self.group)


REGION_CODENAMES = ("view_registration", "change_registration", "view_feedback")


@pytest.fixture
def north(site, root_page, django_user_model):
    """Region Norr: its own site and editors who may see its registrations and feedback."""
    Site.clear_site_root_paths_cache()
    return Region(root_page, "norr", "Norr", django_user_model, REGION_CODENAMES)


@pytest.fixture
def south(site, root_page, django_user_model):
    """Region Syd: the same, on a site of its own."""
    Site.clear_site_root_paths_cache()
    return Region(root_page, "syd", "Syd", django_user_model, REGION_CODENAMES)

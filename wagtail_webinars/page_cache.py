"""Fragment caching of the session and series pages.

The templates wrap what is the same for every visitor (header, programme, speakers, contacts,
technical help, a series' sessions, the JSON-LD) in Wagtail's ``{% wagtailpagecache %}``, which
skips the cache in previews and keys on the page's own ``cache_key`` (its id, URL path and last
publication) and the site. On top of that the key carries ``webinars_cache_version``:

- the language, since the fragments hold translated text and dates;
- a generation counter that every change to something a page shows but does not own bumps
  (speakers, contact persons, notices, FAQs, other pages such as the series or its sessions);
  the receivers are connected in ``AppConfig.ready()``;
- the next moment at which the clock changes what the page shows (a session goes live or ends,
  a notice appears or expires, a session moves from a series' upcoming to its past dates), from
  the page's ``get_cache_boundaries()``.

The registration form stays out of the cache: it carries a CSRF token and the number of places
left. ``WAGTAIL_WEBINARS["CACHE_TIMEOUT"] = 0`` turns the caching off.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import get_language

from . import generations
from .conf import webinar_settings

GENERATION_KEY = "wagtail_webinars:page-cache:generation"
BOUNDARY_KEY = "wagtail_webinars:page-cache:until:{}"
# Far enough to mean "nothing on the page changes with the clock".
NEVER = float("inf")

T = TypeVar("T")


def get_cache():
    """The cache that holds the fragments (``CACHE_ALIAS``)."""
    return caches[webinar_settings.CACHE_ALIAS]


def caching_enabled() -> bool:
    return webinar_settings.CACHE_TIMEOUT != 0


def get_generation(cache, stored: dict[str, Any]) -> int:
    """The generation from a ``get_many()`` result, set first if the cache had none."""
    return generations.current(cache, GENERATION_KEY, stored)


def bump_generation(**kwargs: Any) -> None:
    """Make every cached fragment stale. A receiver for the signals wired in ``apps.py``."""
    if not caching_enabled():
        return
    generations.bump(get_cache(), GENERATION_KEY)


def bump_generation_for_page(instance: Any = None, **kwargs: Any) -> None:
    """``post_delete`` receiver (for any model): only a deleted page makes fragments stale."""
    import swapper

    # The site's base page model (Wagtail 8 can swap it), so its own page types count too.
    if isinstance(instance, swapper.load_model("wagtailcore", "Page")):
        bump_generation()


def next_boundary(boundaries: Iterable[datetime.datetime | None], now: datetime.datetime) -> float:
    """The earliest of ``boundaries`` after ``now``, as a timestamp; ``NEVER`` if none is."""
    later = [b.timestamp() for b in boundaries if b is not None and b > now]
    return min(later, default=NEVER)


def cache_version(page: Any, context: dict[str, Any], now: datetime.datetime | None = None) -> str:
    """What ``webinars_cache_version`` resolves to: language, generation and the moment the
    clock next changes the page. One cache read per request while nothing has changed."""
    if not caching_enabled():
        return ""
    now = now or timezone.now()
    cache = get_cache()
    # The boundary is stored per page state, with the generation it was computed under.
    boundary_key = BOUNDARY_KEY.format(page.cache_key)
    stored = cache.get_many([GENERATION_KEY, boundary_key])
    generation = get_generation(cache, stored)
    computed = stored.get(boundary_key)
    if computed is not None and computed[0] == generation and now.timestamp() < computed[1]:
        until = computed[1]
    else:
        until = next_boundary(page.get_cache_boundaries(context, now), now)
        cache.set(boundary_key, (generation, until), webinar_settings.CACHE_TIMEOUT)
    return f"{get_language()}:{generation}:{until}"


def renders_per_visitor(page: Any) -> bool:
    """Whether one of the page's StreamFields holds a block that shows something of the
    visitor's own (a registration form with its CSRF token, the feedback widget's state).

    Such a page is rendered whole for every request. Reads only the stored block types, so it
    costs no query and converts no block value.
    """
    from wagtail.fields import StreamField

    for field in page._meta.concrete_fields:
        if not isinstance(field, StreamField):
            continue
        value = getattr(page, field.attname)
        child_blocks = value.stream_block.child_blocks
        for item in value.raw_data:
            block = child_blocks.get(item["type"]) if item else None
            if getattr(block, "renders_per_visitor", False):
                return True
    return False


def cache_timeout_for(page: Any) -> int | None:
    """The timeout for the page's fragments: ``CACHE_TIMEOUT``, or 0 (no caching) for a page
    that renders something per visitor."""
    if renders_per_visitor(page):
        return 0
    return webinar_settings.CACHE_TIMEOUT


def registration_fragment_key(page: Any, registration: dict[str, Any]) -> str | None:
    """The cache key of a page's empty registration form in its current state; ``None`` when
    caching is off. Everything the form shows is in it: the page's revision, the language, the
    generation (questions), the settings for consent and privacy link, and the state of each
    session it registers for."""
    if not caching_enabled():
        return None
    cache = get_cache()
    generation = get_generation(cache, cache.get_many([GENERATION_KEY]))
    if registration.get("is_series"):
        states = [
            (option.session.pk, option.session.cache_key, _state_tuple(option.state))
            for option in registration.get("options") or []
        ]
    else:
        states = [_state_tuple(registration["state"])]
    shown = (
        registration.get("open"),
        str(registration.get("message", "")),
        states,
        str(webinar_settings.REGISTRATION_CONSENT_TEXT),
        webinar_settings.PRIVACY_POLICY_URL,
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    return f"wagtail_webinars:registration:{page.cache_key}:{get_language()}:{generation}:{digest}"


def _state_tuple(state: Any) -> tuple:
    if state is None:
        return ()
    return (
        state.is_open,
        state.reason_code,
        str(state.message),
        state.places_left,
        state.waitlist_open,
    )


def lazy_cache_version(page: Any, context: dict[str, Any]) -> Callable[[], str]:
    """A callable for the template context: computed once, and only when a fragment tag asks
    (never in a preview, where ``{% wagtailpagecache %}`` skips the cache)."""
    return functools.cache(functools.partial(cache_version, page, context))


def cached_until_changed(key: str, compute: Callable[[], T], *, keep_none: bool = True) -> T:
    """``compute()``, kept in the cache until the generation changes (something pages show was
    saved, published or deleted) or ``CACHE_TIMEOUT`` passes. For what every view of a page
    reads outside its cached fragments: a session's series, the registration questions, the
    page a registration is for. ``keep_none=False``: a ``None`` is computed again each time."""
    if not caching_enabled():
        return compute()
    return generations.kept_until_changed(
        get_cache(),
        GENERATION_KEY,
        key,
        compute,
        webinar_settings.CACHE_TIMEOUT,
        keep_none=keep_none,
    )

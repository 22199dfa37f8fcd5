"""A shared front-end cache (Varnish, a CDN) in front of the webinar pages, kept right.

With ``WAGTAIL_WEBINARS["FRONTEND_CACHE"]`` on:

- **Headers.** A session or series page answered to an anonymous visitor with a plain 200 is sent
  ``Cache-Control: public, max-age=0, s-maxage=N``: the shared cache keeps it ``N`` seconds,
  browsers ask again each time. ``N`` is ``FRONTEND_CACHE_MAX_AGE``, or less when the clock
  changes the page sooner, from the page's ``get_shared_cache_boundaries()`` (registration opens
  or closes, the session starts or ends, a notice appears or expires). Logged-in users, previews,
  private (view-restricted) pages, any other status, and any page that asked for a CSRF token or
  set a cookie get ``private, no-store``.
- **No CSRF token on shared pages.** ``registration.presentation`` leaves the token out of the
  form where ``is_shared_request()`` says so, and the registration view checks the POST's
  ``Origin`` (``origin.is_allowed_origin``, as the JSON endpoints do) instead of the token.
- **Purge.** A registration saved or deleted (places left, "Fullbokat", the waiting list) purges
  the session's page, its series' page and every live page that refers to either (a
  ``RegistrationFormBlock`` on a news page), and a published session its series, its sibling dates
  and the listing pages too (Wagtail's own purge covers only the page published, and may run as a
  task, later). The purge goes through ``wagtail.contrib.frontend_cache``'s ``PurgeBatch`` and
  the backends of ``WAGTAILFRONTENDCACHE``, synchronously when the transaction commits, once per
  URL however many registrations the transaction holds, so the next visitor sees the change.
  Without ``WAGTAILFRONTENDCACHE`` nothing is purged, and nothing fails (check
  ``wagtail_webinars.W030`` warns).

A render that overlaps a purge could put the state from before the commit back into the cache
after the purge. Each purge therefore bumps a counter of the pages' group (a series, or a session
without one) in the Django cache first; a page whose group's counter moved while it rendered is
sent ``s-maxage=0``, so it is not kept.

Not purged (a known gap): speakers, contact persons and other snippets edited; pages showing them
are right again within ``FRONTEND_CACHE_MAX_AGE``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
import math
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from . import generations, page_cache
from .conf import webinar_settings

logger = logging.getLogger(__name__)

PRIVATE = "private, no-store"
GROUP_KEY = "wagtail_webinars:frontend-cache:group:{}"
#: Query parameters that make a page one visitor's own: the feedback widget's comment form for
#: the answer just given (``feedback.scrub.WIDGET_PARAMS``; the feedback app is optional).
PER_VISITOR_PARAMS = ("ww_feedback_token",)
#: Fields of a registration whose change can change what a page shows (places left, waiting).
VISIBLE_FIELDS = frozenset({"status", "places", "session", "session_id"})


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------


def enabled() -> bool:
    """Whether ``FRONTEND_CACHE`` is on."""
    return bool(webinar_settings.FRONTEND_CACHE)


def is_shared_request(request: HttpRequest | None) -> bool:
    """Whether the answer to ``request`` may be the one a shared cache gives every visitor: the
    setting is on, it is a GET or HEAD, not a preview, and nobody is logged in. Such an answer
    carries no CSRF token (``registration.presentation``)."""
    if request is None or not enabled():
        return False
    if request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
        return False
    if any(name in request.GET for name in PER_VISITOR_PARAMS):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def private(response: HttpResponse) -> HttpResponse:
    """Keep ``response`` out of every shared cache and the browser's."""
    response["Cache-Control"] = PRIVATE
    return response


def shared_max_age(page: Any, context: dict[str, Any], now: datetime.datetime) -> int:
    """Seconds a shared cache may keep ``page``: ``FRONTEND_CACHE_MAX_AGE``, or fewer when the
    clock next changes the page. Rounded down, so no copy outlives the moment it turns wrong."""
    limit = int(webinar_settings.FRONTEND_CACHE_MAX_AGE)
    until = page_cache.next_boundary(page.get_shared_cache_boundaries(context, now), now)
    if until == page_cache.NEVER:
        return limit
    return max(0, min(limit, math.floor(until - now.timestamp())))


def group_id(page: Any) -> int:
    """The page whose counter ``page``'s copies are checked against: the series for a session
    of one, else the page itself."""
    series_id = page.get_series_id() if hasattr(page, "get_series_id") else None
    return series_id or page.pk


def _group_counter(page_id: int) -> Any:
    return page_cache.get_cache().get(GROUP_KEY.format(page_id))


def serve(page: Any, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give the answer of ``page.serve(request)`` its ``Cache-Control``: shared for anonymous
    visitors, private otherwise. Called by the webinar page types' ``serve()``; nothing happens
    while ``FRONTEND_CACHE`` is off."""
    if not enabled():
        return response
    if not is_shared_request(request):
        return private(response)
    # Read before the page is rendered, which is when it reads the registration state.
    group = group_id(page)
    before = _group_counter(group)

    def set_headers(rendered: HttpResponse) -> None:
        if (
            rendered.status_code != 200
            or rendered.cookies
            # Something on the page asked for the visitor's CSRF token (a host's own form).
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or page.get_view_restrictions().exists()
        ):
            private(rendered)
            return
        max_age = shared_max_age(
            page, getattr(rendered, "context_data", None) or {}, timezone.now()
        )
        if _group_counter(group) != before:
            # A purge of these pages ran while this one rendered: it may show the old state.
            max_age = 0
        rendered["Cache-Control"] = f"public, max-age=0, s-maxage={max_age}"

    if hasattr(response, "add_post_render_callback"):
        response.add_post_render_callback(set_headers)
    else:
        set_headers(response)
    return response


# ---------------------------------------------------------------------------------------------
# Purge
# ---------------------------------------------------------------------------------------------


def purging_enabled() -> bool:
    """``FRONTEND_CACHE`` on and ``WAGTAILFRONTENDCACHE`` set: only then is anything purged.

    The purge uses ``wagtail.contrib.frontend_cache``'s functions, which need no app of their
    own; the app in ``INSTALLED_APPS`` adds Wagtail's purge of every published page, which a
    site wants too (check ``wagtail_webinars.W031`` says so)."""
    return enabled() and bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


class _Pending:
    """What one transaction will purge when it commits."""

    def __init__(self) -> None:
        self.registration_sessions: set[int] = set()
        self.published_sessions: set[int] = set()
        self.published_series: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.registration_sessions or self.published_sessions or self.published_series)


class _FlushOnCommit:
    """The one ``on_commit`` callback of a transaction: collects what its changes purge, and
    purges it all, once, when it commits."""

    def __init__(self) -> None:
        self.pending = _Pending()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        flush(self.pending)


def _waiting_flush(connection: Any) -> _FlushOnCommit | None:
    """The flush the connection's open transaction will run when it commits, if it has one.
    Django drops the callbacks of a transaction (or savepoint) that rolls back, so a
    rolled-back change never purges."""
    current = getattr(connection, "_wagtail_webinars_purge", None)
    waiting = (
        current is not None
        and not current.done
        and connection.in_atomic_block
        and any(entry[1] is current for entry in connection.run_on_commit)
    )
    return current if waiting else None


def _schedule(using: str, field: str, page_id: int) -> None:
    connection = transaction.get_connection(using)
    current = _waiting_flush(connection)
    if current is not None:
        getattr(current.pending, field).add(page_id)
        return
    current = connection._wagtail_webinars_purge = _FlushOnCommit()
    getattr(current.pending, field).add(page_id)
    # Outside a transaction this runs at once.
    transaction.on_commit(current, using=using)


#: Set inside ``registration_changes_held()``.
_held: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "wagtail_webinars_registration_changes_held", default=False
)


@contextlib.contextmanager
def registration_changes_held() -> Iterator[None]:
    """Registrations saved in this block leave the pages' copies alone; the caller then calls
    ``registration_changed()`` itself, once what the pages count is decided.

    ``register()`` writes its row before it waits for the session's lock, and decides the row's
    status only under it. The counter's early bump (below) belongs under the lock, just before
    the commit: made at the write, the window in which a render can be kept stale would take in
    the whole wait.
    """
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def registration_changed(
    sender: Any = None,
    instance: Any = None,
    created: bool = False,
    update_fields: Iterable[str] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    **kwargs: Any,
) -> None:
    """``post_save`` and ``post_delete`` receiver of ``Registration``: purge the pages that show
    its session's places when the transaction commits. A save that changes none of the fields
    the pages count (an e-mail flag) and a session without a capacity (whose pages show no count)
    purge nothing."""
    if _held.get() or not purging_enabled() or instance is None or instance.session_id is None:
        return
    if update_fields is not None and not created and not (set(update_fields) & VISIBLE_FIELDS):
        return
    # The session the registration was made with, if it holds it: no query to find out.
    session = instance._state.fields_cache.get("session")
    if session is not None and session.effective_registration_capacity() is None:
        return
    # Inside a transaction, its first change of the session also moves the group's counter
    # now, before the commit, not only at the purge after it (flush()): a page that had read
    # the places before the commit and checked the counter between the commit and the purge's
    # bump was kept with the old count, its copy reaching Varnish after the PURGE. A render that
    # reads the places and checks the counter both before this bump, or both between it and the
    # purge's, and whose copy still reaches Varnish after the PURGE, is kept stale (for
    # FRONTEND_CACHE_MAX_AGE at most). Rolled back, the bump costs one render unkept.
    connection = transaction.get_connection(using)
    waiting = _waiting_flush(connection)
    if connection.in_atomic_block and (
        waiting is None or instance.session_id not in waiting.pending.registration_sessions
    ):
        try:
            bump_groups(_registration_targets(instance.session_id)[1])
        except Exception:
            logger.exception("Could not mark the webinar pages' copies as stale")
    _schedule(using, "registration_sessions", instance.session_id)


def page_published(sender: Any = None, instance: Any = None, **kwargs: Any) -> None:
    """``page_published`` receiver: a published session purges its series, its sibling dates and
    the listing pages too; a published series, its dates. Synchronous on commit, unlike Wagtail's
    own purge of the published page, which may wait for a task worker."""
    if not purging_enabled() or instance is None:
        return
    from .pagemodel import series_page_model, session_page_model

    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    if isinstance(instance, session_page_model()):
        _schedule(using, "published_sessions", instance.pk)
    elif isinstance(instance, series_page_model()):
        _schedule(using, "published_series", instance.pk)


def pages_to_purge(pending: _Pending) -> list[Any]:
    """The live pages that ``pending``'s changes may have changed, each once."""
    from wagtail.models import Page, ReferenceIndex

    from .pagemodel import series_page_model, session_page_model

    session_model, series_model = session_page_model(), series_page_model()
    session_ids = pending.registration_sessions | pending.published_sessions
    sessions = list(session_model.objects.live().filter(pk__in=session_ids))
    parent_paths = {s.path[: -s.steplen] for s in sessions if s.depth > 1}
    series = list(
        series_model.objects.live().filter(
            Q(path__in=parent_paths) | Q(pk__in=pending.published_series)
        )
    )
    series_by_path = {s.path: s for s in series}
    for session in sessions:
        session.__dict__["series"] = series_by_path.get(session.path[: -session.steplen])
    # A registration changes nothing on the pages of a session without a capacity: they show
    # no count of places.
    sessions = [
        s
        for s in sessions
        if s.pk in pending.published_sessions or s.effective_registration_capacity() is not None
    ]
    wanted_series = {s.series.pk for s in sessions if s.series is not None}
    series = [s for s in series if s.pk in wanted_series or s.pk in pending.published_series]
    pages: dict[int, Any] = {p.pk: p for p in [*sessions, *series]}
    # A published session's or series' other dates show it in their list of dates.
    parents = [s.path[: -s.steplen] for s in sessions if s.pk in pending.published_sessions]
    parents += [s.path for s in series if s.pk in pending.published_series]
    if parents:
        under = Q()
        for path in set(parents):
            under |= Q(path__startswith=path, depth=len(path) // session_model.steplen + 1)
        pages.update({p.pk: p for p in session_model.objects.live().filter(under)})
        import swapper

        listing_model = swapper.load_model("wagtail_webinars", "WebinarListingPage")
        pages.update({p.pk: p for p in listing_model.objects.live()})
    # Pages of the host's own that show the registration form of one of them.
    referred = [*sessions, *series]
    if referred:
        from django.contrib.contenttypes.models import ContentType

        page_type = ContentType.objects.get_for_model(Page)
        referring = ReferenceIndex.objects.filter(
            base_content_type=page_type,
            to_content_type=page_type,
            to_object_id__in=[str(p.pk) for p in referred],
        ).values_list("object_id", flat=True)
        ids = {int(pk) for pk in referring} - set(pages)
        if ids:
            pages.update({p.pk: p for p in Page.objects.live().filter(pk__in=ids).specific()})
    return list(pages.values())


def group_ids(pages: Iterable[Any]) -> set[int]:
    return {group_id(p) for p in pages}


TARGETS_KEY = "wagtail_webinars:frontend-cache:targets:{}"


def purge_targets(pending: _Pending) -> tuple[list[str], list[int]]:
    """The URLs to purge for ``pending`` (``PurgeBatch``, so ``get_cached_paths()`` and the
    site's root URL count) and the groups whose counters to move."""
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    pages = pages_to_purge(pending)
    batch = PurgeBatch()
    batch.add_pages(pages)
    return sorted(batch.urls), sorted(group_ids(pages))


def _registration_targets(session_id: int) -> tuple[list[str], list[int]]:
    pending = _Pending()
    pending.registration_sessions.add(session_id)
    # Kept in the page cache until a page changes (a publish, move or delete bumps its
    # generation; so does a published capacity): a registration then costs one cache read here,
    # not the queries that find its pages.
    return page_cache.cached_until_changed(
        TARGETS_KEY.format(session_id), lambda: purge_targets(pending)
    )


def bump_groups(groups: Iterable[int]) -> None:
    """Move the counters of these pages' groups: a page rendering now is not kept."""
    cache = page_cache.get_cache()
    for page_id in groups:
        generations.bump(cache, GROUP_KEY.format(page_id))


def flush(pending: _Pending) -> list[str]:
    """Purge what a committed transaction changed, now. Returns the URLs purged. A failing
    backend is logged, never raised: the registration is committed whatever the cache says."""
    if not pending or not purging_enabled():
        return []
    try:
        from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

        urls: set[str] = set()
        groups: set[int] = set()
        for session_id in pending.registration_sessions - pending.published_sessions:
            found_urls, found_groups = _registration_targets(session_id)
            urls.update(found_urls)
            groups.update(found_groups)
        if pending.published_sessions or pending.published_series:
            published = _Pending()
            published.published_sessions = pending.published_sessions
            published.published_series = pending.published_series
            found_urls, found_groups = purge_targets(published)
            urls.update(found_urls)
            groups.update(found_groups)
        bump_groups(groups)
        # .call(), not .enqueue() (which PurgeBatch.purge() does): the next visitor must see it.
        purge_urls_from_cache_task.call(sorted(urls))
        return sorted(urls)
    except Exception:
        logger.exception("Could not purge webinar pages from the front-end cache")
        return []

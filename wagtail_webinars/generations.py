"""Generation counters in Django's cache: what is kept under a counter is stale once the counter
moves. The page cache (``page_cache``), the front-end cache's groups (``shared_cache``) and the
feedback app's live pages (``feedback.live_pages``) keep their things this way; the cache must be
one that every app process shares for a move in one to reach the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def new_generation() -> int:
    # Not 1: after an eviction of the counter, restarting from a small number could bring back
    # what was kept under an earlier generation.
    return time.time_ns()


def current(cache: Any, key: str, stored: dict[str, Any]) -> int:
    """The counter ``key`` from a ``get_many()`` result, set first if the cache had none."""
    generation = stored.get(key)
    if generation is None:
        generation = new_generation()
        # add(): a concurrent request may have set it first; then read theirs.
        if not cache.add(key, generation, None):
            generation = cache.get(key, generation)
    return generation


def bump(cache: Any, key: str) -> None:
    """Move the counter ``key``: everything kept under it is stale."""
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (evicted, or never set)
        cache.set(key, new_generation(), None)


def kept_until_changed(
    cache: Any,
    generation_key: str,
    key: str,
    compute: Callable[[], T],
    timeout: float | None,
    *,
    keep_none: bool = True,
) -> T:
    """``compute()``, kept under ``key`` until the counter ``generation_key`` moves or
    ``timeout`` passes; one ``get_many()`` while nothing has changed. ``keep_none=False``: a
    ``None`` is computed again each time."""
    stored = cache.get_many([generation_key, key])
    generation = current(cache, generation_key, stored)
    computed = stored.get(key)
    if computed is not None and computed[0] == generation:
        return computed[1]
    value = compute()
    if value is not None or keep_none:
        cache.set(key, (generation, value), timeout)
    return value

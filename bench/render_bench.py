"""Render benchmark: the demo session page against a plain Wagtail page with the same body text.

Usage, from the repo root (SQLite, nothing to set up; takes about half a minute):

    .venv/bin/python bench/render_bench.py                 # 300 requests of each page
    .venv/bin/python bench/render_bench.py --iterations 1000

It migrates a throw-away SQLite database (bench/settings.py: the test suite's host-like settings
with DEBUG off), loads the demo with `webinars_load_demo`, and builds the baseline: a
`bench.plainpage.PlainPage`, a Page with a StreamField body of Wagtail's core blocks (heading,
rich text, list) and a one-loop template extending the same base.html. That is how a host's own
"standard page" is usually built, so the ratio says what our page type costs over the site's own
pages. Its body holds the same text as the session's lead and programme, block for block.

The baseline sits at the same depth of the page tree as the demo session, which lives under its
series: under a plain parent page of its own. Wagtail's routing reads one page per level of the
URL, so a baseline one level higher would be a query cheaper for reasons that have nothing to do
with our page type.

The session page caches what is the same for every visitor (wagtail_webinars/page_cache.py), as a
host site's own pages typically do with ``{% wagtailpagecache %}``; the baseline does not, so the
ratio compares our page, cache and registration form included, with a bare plain page. The timed
requests are served from a warm cache, as most visits to a published page are; the query counts
below are of a warm request too.

Both pages are fetched as an anonymous visitor with Django's test Client (URL routing, middleware,
Wagtail's serve, templates, queries), alternately, after a warm-up, so that drift in the machine
affects both alike. It prints the median time of each, their ratio (goal: at most 1.15, at most 8 queries), and the
number of SQL queries each makes; and, to show where the time goes, the same figures for a copy of
the session with its registration form switched off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def plain_body(session) -> list[dict]:
    """The session's lead and programme as Wagtail core blocks, with the same text."""
    body: list[dict] = [{"type": "paragraph", "value": f"<p>{session.lead}</p>"}]
    for block in session.programme:
        value = block.value
        if block.block_type == "heading":
            body.append({"type": "heading", "value": value["text"]})
        elif block.block_type == "paragraph":
            body.append({"type": "paragraph", "value": value.source})
        elif block.block_type == "bullet_list":
            if value["intro"]:
                body.append({"type": "paragraph", "value": f"<p>{value['intro']}</p>"})
            body.append({"type": "list", "value": list(value["items"])})
        elif block.block_type == "questions_note":
            body.append({"type": "paragraph", "value": f"<p>{value['text']}</p>"})
        elif block.block_type == "after_broadcast":
            body.append({"type": "heading", "value": value["heading"]})
            if value["text"]:
                body.append({"type": "paragraph", "value": value["text"].source})
            body.append({"type": "list", "value": list(value["discussion_questions"])})
    return body


def timed_get(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="80 iterations, 10 warm-up")
    args = parser.parse_args()
    if args.quick:
        args.iterations, args.warmup = 80, 10
    measure(args.iterations, args.warmup)


def results(quick: bool) -> list[dict]:
    """The row of bench/run.py's table: the session page against the plain page (issue 13's
    goal: at most 1.15x its time, at most 8 SQL queries)."""
    numbers = measure(*((80, 10) if quick else (300, 30)))
    ratio = numbers["session_ms"] / numbers["plain_ms"]
    return [
        {
            "measure": "demo session page vs a plain Wagtail page with the same body (ms)",
            "value": numbers["session_ms"],
            "baseline": numbers["plain_ms"],
            "ratio": ratio,
            "goal": "<= 1.15x, <= 8 queries",
            "ok": ratio <= 1.15 and numbers["session_queries"] <= 8,
            "note": f"queries {numbers['session_queries']} vs {numbers['plain_queries']}",
        }
    ]


def measure(iterations: int, warmup: int) -> dict:
    """Build both pages, time them alternately, print the figures; the medians and queries."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.plainpage.models import PlainPage
    from tests.conftest import ensure_wagtail_tree
    from wagtail_webinars.pagemodel import session_page_model

    call_command("migrate", run_syncdb=True, verbosity=0)
    ensure_wagtail_tree()
    call_command("webinars_load_demo", verbosity=0)
    home = ensure_wagtail_tree().root_page  # fetched again: the demo added children to it
    session = session_page_model().objects.get(slug="har-fatt-en-hardare-ton")
    # At the session's depth (home → series → session): home → plain parent → plain page.
    plain_parent = home.add_child(instance=PlainPage(title="Plain parent", slug="plain-parent"))
    plain_parent.save_revision().publish()
    plain = plain_parent.add_child(
        instance=PlainPage(title=session.title, slug="plain", body=plain_body(session))
    )
    assert plain.depth == session.depth
    plain.save_revision().publish()

    # Not part of the goal, but it shows where the time goes: the same session with its
    # registration form switched off.
    no_form = session.copy(
        update_attrs={"slug": "utan-anmalan", "registration_enabled": False}, keep_live=True
    )

    client = Client()
    urls = {"session": session.url, "plain": plain.url, "no_form": no_form.url}
    queries = {}
    for name, url in urls.items():
        for _ in range(warmup):
            timed_get(client, url)
        with CaptureQueriesContext(connection) as captured:
            timed_get(client, url)
        queries[name] = len(captured)

    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(iterations):
        for name, url in urls.items():
            times[name].append(timed_get(client, url))

    session_ms = statistics.median(times["session"]) * 1000
    plain_ms = statistics.median(times["plain"]) * 1000
    print(f"iterations: {iterations} of each page, after {warmup} warm-up requests")
    print(
        f"plain Wagtail page (baseline): median {plain_ms:.2f} ms, {queries['plain']} SQL queries"
    )
    print(
        f"demo session page:             median {session_ms:.2f} ms, {queries['session']} SQL queries"
    )
    no_form_ms = statistics.median(times["no_form"]) * 1000
    print(
        f"ratio session/plain: {session_ms / plain_ms:.2f} (goal: at most 1.15, at most 8 queries)"
    )
    print(
        f"for reference, the session without its registration form: median {no_form_ms:.2f} ms, "
        f"{queries['no_form']} SQL queries, ratio {no_form_ms / plain_ms:.2f}"
    )
    return {
        "session_ms": session_ms,
        "plain_ms": plain_ms,
        "session_queries": queries["session"],
        "plain_queries": queries["plain"],
    }


if __name__ == "__main__":
    main()

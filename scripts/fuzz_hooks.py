"""Schemathesis hooks for ``scripts/fuzz_api.py``: most generated page ids are swapped for pages
that exist on the fuzzed site (``WW_FUZZ_SESSIONS``, ``WW_FUZZ_SERIES``), so the bodies reach the
form, the rules and the database instead of a 404; one in four keeps its random id."""

import os

import schemathesis

SESSIONS = [int(i) for i in os.environ.get("WW_FUZZ_SESSIONS", "").split(",") if i]
SERIES = [int(i) for i in os.environ.get("WW_FUZZ_SERIES", "").split(",") if i]
PAGES = {
    "registerForSession": SESSIONS,
    "registerForSeries": SERIES,
    "getSession": SESSIONS,
}


def _real(value, ids):
    if isinstance(value, int) and ids and value % 4:
        return ids[value % len(ids)]
    return value


@schemathesis.hook
def filter_path_parameters(ctx, path_parameters):
    """Ids the URL patterns take (``<int:…>``, digits). A path such as ``/sessions/-1/`` matches
    no URL of ours: the host's URLconf answers it (Wagtail's page serving), not our JSON."""
    return all(isinstance(v, int) and v >= 0 for v in (path_parameters or {}).values())


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    ids = PAGES.get(ctx.operation.definition.raw.get("operationId"), [])
    if path_parameters:
        for name in ("page_id", "id"):
            if name in path_parameters:
                path_parameters[name] = _real(path_parameters[name], ids)
    return path_parameters


@schemathesis.hook
def map_query(ctx, query):
    if query and "series" in query:
        query["series"] = _real(query["series"], SERIES)
    return query


@schemathesis.hook
def map_body(ctx, body):
    operation = ctx.operation.definition.raw.get("operationId")
    if operation == "giveFeedback" and isinstance(body, dict) and "page" in body:
        body["page"] = _real(body["page"], SESSIONS + SERIES)
    if operation == "registerForSeries" and isinstance(body, dict):
        sessions = body.get("sessions")
        if isinstance(sessions, list):
            body["sessions"] = [_real(s, SESSIONS) for s in sessions]
    return body

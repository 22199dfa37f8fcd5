"""The embed script, ``<prefix>/embed.js``: our webinars and the registration form on a page of
a site that does not run Wagtail (docs/embed.md).

The script itself is a static file, ``static/wagtail_webinars/js/embed.js``, with no
dependencies. This view serves it from a fixed address under our prefix, so that the line a
municipality pastes never changes when the static files are renamed by a hashing storage, and
fills in where this site's API lives: the script reads it from the first statement instead of
guessing the host's router. Served as a file, never inline, so a host's strict CSP needs only
our origin in ``script-src``.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from .pagemodel import session_page_model

EMBED_SCRIPT = "wagtail_webinars/js/embed.js"
EMBED_STYLESHEET = "wagtail_webinars/css/embed.css"
#: The placeholder in embed.js that this view replaces with the site's configuration.
CONFIG_PLACEHOLDER = "/*ww-config*/null"
#: The address never changes, so browsers may keep the script only a while; ETag revalidates.
MAX_AGE = 3600
#: The name the host's Wagtail API v2 router usually has (``WagtailAPIRouter("wagtailapi")``).
API_NAMESPACE = "wagtailapi"


@cache
def _script_source() -> str:
    path = finders.find(EMBED_SCRIPT)
    if path is None:  # pragma: no cover - the file ships with the package
        raise FileNotFoundError(EMBED_SCRIPT)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _pages_api_path() -> str:
    """Where the host's Wagtail API v2 lists pages: its router named ``wagtailapi`` (as
    ``wagtail start`` names it), else ``/api/v2/pages/``. A host with another name sets the
    embed element's ``api`` attribute (docs/embed.md)."""
    try:
        return reverse(f"{API_NAMESPACE}:pages:listing")
    except NoReverseMatch:
        return "/api/v2/pages/"


def embed_config(request: HttpRequest) -> dict[str, str]:
    """What the script needs to know about this site, as absolute URLs."""
    from django.templatetags.static import static

    model = session_page_model()
    return {
        "pages": request.build_absolute_uri(_pages_api_path()),
        "sessionType": f"{model._meta.app_label}.{model.__name__}",
        "stylesheet": request.build_absolute_uri(static(EMBED_STYLESHEET)),
    }


@require_safe
def embed_script(request: HttpRequest) -> HttpResponse:
    """The embed script with this site's configuration filled in.

    Public and the same for every visitor: no cookie is read or set, ``Access-Control-Allow-
    Origin: *`` lets a host load it with ``crossorigin`` (and Subresource Integrity), and
    ``Cross-Origin-Resource-Policy: cross-origin`` lets hosts that isolate themselves use it.
    """
    config = json.dumps(embed_config(request), separators=(",", ":"))
    body = _script_source().replace(CONFIG_PLACEHOLDER, config, 1)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    # The configuration holds absolute URLs built from the Host header.
    patch_vary_headers(response, ["Host"])
    if settings.DEBUG:
        _script_source.cache_clear()
    return response

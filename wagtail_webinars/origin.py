"""Origin checks for POSTs that cannot carry Django's CSRF token.

The feedback widget sits on every page and must not make pages uncacheable, so it cannot put a
per-visitor CSRF token in the page; the JSON endpoints are called by separate frontends. Both are
protected instead by checking the browser's ``Origin`` header (``Referer`` when a browser sends no
Origin) against the site's own host, ``CSRF_TRUSTED_ORIGINS`` and
``WAGTAIL_WEBINARS["ALLOWED_FRONTEND_ORIGINS"]``. Browsers always send ``Origin`` on a
cross-site POST, and a cross-site page cannot forge it, so a foreign page cannot post in a
visitor's name. A request with neither header does not come from a browser page, and cannot be
a cross-site request forgery, so it is allowed; rate limits apply to it like to any other.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import is_same_domain

from .conf import webinar_settings


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(request: HttpRequest) -> set[str]:
    """The site's own origin plus every origin the host trusts."""
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = {o.lower().rstrip("/") for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    frontends = {o.lower().rstrip("/") for o in webinar_settings.ALLOWED_FRONTEND_ORIGINS}
    return {own} | trusted | frontends


def request_origin(request: HttpRequest) -> str | None:
    """The origin the request claims to come from, or None when the client sent none."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.lower().rstrip("/")
    if origin == "null":
        return "null"
    referer = request.headers.get("Referer")
    return _origin_of(referer) if referer else None


def _matches_trusted_subdomain(origin: str) -> bool:
    """``CSRF_TRUSTED_ORIGINS`` may name subdomains, ``"https://*.example.org"``; match them as
    Django's CSRF middleware does."""
    parts = urlsplit(origin)
    for trusted in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        if "*" not in trusted:
            continue
        pattern = urlsplit(trusted.lower())
        if pattern.scheme == parts.scheme and is_same_domain(
            parts.netloc, pattern.netloc.lstrip("*")
        ):
            return True
    return False


def is_allowed_origin(request: HttpRequest) -> bool:
    origin = request_origin(request)
    if origin is None:
        return True
    return origin in allowed_origins(request) or _matches_trusted_subdomain(origin)

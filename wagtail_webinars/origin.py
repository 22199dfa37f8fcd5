"""Origin checks for POSTs that cannot carry Django's CSRF token.

The feedback widget sits on every page and must not make pages uncacheable, so it cannot put a
per-visitor CSRF token in the page; the JSON endpoints are called by separate frontends. Both are
protected instead by checking the browser's ``Origin`` header (``Referer`` when a browser sends no
Origin) against the site's own host, ``CSRF_TRUSTED_ORIGINS`` and
the allowed frontend origins (``frontend_origins()``). Browsers always send ``Origin`` on a
cross-site POST, and a cross-site page cannot forge it, so a foreign page cannot post in a
visitor's name. A request with neither header does not come from a browser page, and cannot be
a cross-site request forgery, so it is allowed; rate limits apply to it like to any other.

One list of frontend origins, ``frontend_origins()``, governs both this check and the CORS
answers (django-cors-headers) of our endpoints and of Wagtail's API v2: it is
``WAGTAIL_WEBINARS["ALLOWED_FRONTEND_ORIGINS"]`` when set, else django-cors-headers'
``CORS_ALLOWED_ORIGINS``, so a host writes it once. ``cors_request_enabled`` is the receiver of
django-cors-headers' ``check_request_enabled`` signal that answers CORS for those origins on our
URLs and API v2's, whatever ``CORS_URLS_REGEX`` says; the system check
``wagtail_webinars.W010`` says when the two settings are both set and disagree.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import is_same_domain

from .conf import webinar_settings


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _normalised(origins) -> set[str]:
    return {str(o).lower().rstrip("/") for o in origins or ()}


def frontend_origins() -> set[str]:
    """The one list of separate frontends: ``ALLOWED_FRONTEND_ORIGINS`` when the host set it,
    otherwise ``CORS_ALLOWED_ORIGINS``."""
    ours = webinar_settings.ALLOWED_FRONTEND_ORIGINS
    if ours is None:
        return _normalised(getattr(settings, "CORS_ALLOWED_ORIGINS", ()))
    return _normalised(ours)


def allowed_origins(request: HttpRequest) -> set[str]:
    """The site's own origin plus every origin the host trusts."""
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = _normalised(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    frontends = frontend_origins()
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


def is_frontend_url(path: str) -> bool:
    """Whether ``path`` is one of our URLs or an endpoint of Wagtail's API v2, wherever the host
    mounted them."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if "wagtail_webinars" in match.namespaces:
        return True
    from wagtail.api.v2.views import BaseAPIViewSet

    view_class = getattr(match.func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, BaseAPIViewSet)


def cors_request_enabled(sender=None, request: HttpRequest | None = None, **kwargs) -> bool:
    """Receiver of ``corsheaders.signals.check_request_enabled``: CORS for the frontend origins on
    our URLs and API v2's. Never with credentials: those stay off (check ``W011``)."""
    if request is None:
        return False
    origin = request.headers.get("Origin")
    if not origin or origin.lower().rstrip("/") not in frontend_origins():
        return False
    return is_frontend_url(request.path_info)

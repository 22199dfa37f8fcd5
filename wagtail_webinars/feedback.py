"""The feedback service: the one place that validates, scrubs, de-duplicates and saves answers.

The HTML form view, the JSON endpoint and anything else that records an answer call
``get_feedback_service()`` and nothing else, so the entrances cannot drift apart. A site changes
the rules by subclassing ``FeedbackService`` and naming it in
``WAGTAIL_WEBINARS["FEEDBACK_SERVICE"]``.

Privacy: the visitor's IP address is used only for two things that live in the cache for seconds
or minutes and only as a keyed hash: django-ratelimit's counter and the de-duplication key.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import phonenumbers
import swapper
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy as _
from personnummer import personnummer

from .conf import webinar_settings
from .ratelimit import rate_limit_exceeded

COMMENT_MAX_LENGTH = 1250
PATH_MAX_LENGTH = 2048
# How long the visitor has to add a comment after answering.
COMMENT_TOKEN_MAX_AGE = 60 * 60
DISABLED_PAGES_CACHE_KEY = "wagtail_webinars:feedback:disabled_pages"
# The signal that refreshes the set runs only in the process that saved a switch; with a cache
# per process (Django's default LocMemCache) the others see the change when their copy expires.
DISABLED_PAGES_CACHE_TIMEOUT = 5 * 60
# Query parameters the widget adds itself when it sends a visitor back; never recorded.
WIDGET_PARAMS = ("ww_feedback", "ww_feedback_token")

EMAIL_PLACEHOLDER = "[e-post]"
PHONE_PLACEHOLDER = "[telefon]"
PERSONNUMMER_PLACEHOLDER = "[personnummer]"

# No library we trust finds e-mail addresses inside free text (Django's EmailValidator checks a
# whole string), so this is deliberately generous: a false hit only hides a few characters.
EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Candidates only: every hit is checked by the personnummer library (date and checksum), so
# order numbers and dates survive. 10 or 12 digits, optionally with - or + (or a space).
PERSONNUMMER_CANDIDATE_RE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def default_texts() -> dict[str, Any]:
    return {
        "question": _("Did the information on this page help you?"),
        "yes": _("Yes"),
        "no": _("No"),
        "thanks": _("Thank you for helping us!"),
        "comment_label": _("What were you missing?"),
        "comment_help": _(
            "Optional. Do not write personal details such as your name, e-mail address or "
            "phone number: we cannot answer here."
        ),
        "send": _("Send"),
    }


def feedback_texts() -> dict[str, str]:
    """The widget's wording: the translated defaults, overridden by ``FEEDBACK_TEXTS``."""
    texts = default_texts()
    texts.update(webinar_settings.FEEDBACK_TEXTS or {})
    return {key: str(value) for key, value in texts.items()}


# ---------------------------------------------------------------------------------------------
# Scrubbing
# ---------------------------------------------------------------------------------------------


def _replace_personnummer(match: re.Match) -> str:
    candidate = match.group(0).replace(" ", "-")
    try:
        is_valid = personnummer.valid(candidate)
    except Exception:  # noqa: BLE001 - the library raises on anything it cannot parse
        is_valid = False
    return PERSONNUMMER_PLACEHOLDER if is_valid else match.group(0)


def scrub_text(text: str) -> str:
    """Replace e-mail addresses, Swedish personal identity numbers and phone numbers.

    Personal identity numbers go before phone numbers, since libphonenumber would otherwise
    take some of them for phone numbers.
    """
    text = EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)
    text = PERSONNUMMER_CANDIDATE_RE.sub(_replace_personnummer, text)
    pieces = []
    last = 0
    for match in phonenumbers.PhoneNumberMatcher(text, "SE"):
        pieces.append(text[last : match.start])
        pieces.append(PHONE_PLACEHOLDER)
        last = match.end
    pieces.append(text[last:])
    return "".join(pieces)


def scrub_path(path: str) -> str:
    """The path with e-mail addresses replaced (``/sok/anna@example.se/``), percent-encoded ones
    included. Only e-mail addresses: digits in a path are far more often ids and dates than
    phone numbers."""
    decoded = unquote(path)
    # Segment by segment: "/" is allowed in an address's local part, never in a path segment.
    scrubbed = "/".join(EMAIL_RE.sub(EMAIL_PLACEHOLDER, part) for part in decoded.split("/"))
    if scrubbed == decoded:
        return path
    return quote(scrubbed, safe="/[]-._~!$&'()*+,;=:")


def scrub_query_string(query_string: str) -> str:
    """The query string with personal details replaced in every value and our own parameters
    dropped. Search boxes put whatever a visitor types into the URL, so all three kinds of
    detail are scrubbed, not only e-mail addresses."""
    pairs = [
        (key, scrub_text(value))
        for key, value in parse_qsl(query_string, keep_blank_values=True)
        if key not in WIDGET_PARAMS
    ]
    return urlencode(pairs, safe="[]")


# ---------------------------------------------------------------------------------------------
# The per-page switch, read without a query
# ---------------------------------------------------------------------------------------------


def feedback_disabled_page_ids() -> frozenset[int]:
    """Ids of pages where editors turned the widget off.

    Kept in Django's cache and rebuilt whenever a switch changes, so a page view reads it
    without a query; only a cold or expired cache costs one query (for the whole site), at most
    once every ``DISABLED_PAGES_CACHE_TIMEOUT`` seconds.
    """
    ids = cache.get(DISABLED_PAGES_CACHE_KEY)
    if ids is None:
        ids = refresh_disabled_pages_cache()
    return ids


def refresh_disabled_pages_cache(**kwargs: Any) -> frozenset[int]:
    """Receiver for ``post_save``/``post_delete`` of ``FeedbackPageSetting`` (see apps.py)."""
    from .models import FeedbackPageSetting

    ids = frozenset(
        FeedbackPageSetting.objects.filter(enabled=False).values_list("page_id", flat=True)
    )
    cache.set(DISABLED_PAGES_CACHE_KEY, ids, DISABLED_PAGES_CACHE_TIMEOUT)
    return ids


def set_feedback_enabled(page, enabled: bool) -> None:
    """Turn the widget on or off for one page (the admin panel calls this)."""
    from .models import FeedbackPageSetting

    FeedbackPageSetting.objects.update_or_create(page_id=page.pk, defaults={"enabled": enabled})


def is_feedback_enabled(page) -> bool:
    return page is None or page.pk not in feedback_disabled_page_ids()


# ---------------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class FeedbackResult:
    """What happened to one submission.

    ``status`` is one of ``"saved"`` (a new answer or a comment), ``"duplicate"`` (counted once
    already), ``"ignored"`` (the honeypot was filled: a bot, told nothing), ``"invalid"`` (see
    ``errors``) and ``"rate_limited"``.
    """

    status: str
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    feedback: Any = None
    helpful: bool | None = None
    comment: str = ""
    # Set when the visitor may still add a comment to this answer.
    comment_token: str = ""

    @property
    def ok(self) -> bool:
        return self.status in {"saved", "duplicate", "ignored"}


class FeedbackService:
    """Validates, scrubs, de-duplicates and saves feedback. Override points carry docstrings."""

    token_salt = "wagtail_webinars.feedback.comment"  # noqa: S105 - a signing salt, not a secret

    def get_feedback_model(self):
        """The model answers are saved in."""
        from .models import Feedback

        return Feedback

    def comment_allowed(self, helpful: bool) -> bool:
        """Whether a comment may follow this answer (always after "No")."""
        return not helpful or bool(webinar_settings.FEEDBACK_COMMENT_AFTER_YES)

    def is_rate_limited(self, request: HttpRequest) -> bool:
        """Counts the request; the HTML form and the JSON endpoint share one limit."""
        return rate_limit_exceeded(request, "feedback", "FEEDBACK_RATE_LIMIT")

    # -- answers -------------------------------------------------------------------------------

    def submit(self, request: HttpRequest, data: dict[str, Any]) -> FeedbackResult:
        """Record one answer.

        ``data`` holds ``page`` (an id) or ``path`` (``"/…"``, query string allowed),
        ``helpful`` (``True``/``False``; anything else is an error), optionally ``comment`` and
        ``website`` (the honeypot).
        """
        helpful = data.get("helpful")
        comment = data.get("comment") or ""
        if data.get("website"):
            return FeedbackResult("ignored", helpful=helpful, comment=comment)
        if self.is_rate_limited(request):
            return FeedbackResult("rate_limited", helpful=helpful, comment=comment)

        errors: dict[str, list[str]] = {}
        page = self.clean_page(data.get("page"), errors)
        path, query_string = self.clean_path(data.get("path"), page, errors)
        if not isinstance(helpful, bool):
            errors.setdefault("helpful", []).append(gettext("Answer yes or no."))
        comment = self.clean_comment(comment, helpful, errors)
        if errors:
            return FeedbackResult("invalid", errors=errors, helpful=helpful, comment=comment)

        comment = scrub_text(comment)
        fields = {
            "page": page,
            "site_id": self.get_site_id(request, page),
            "path": path,
            "query_string": query_string,
            "page_published_at": getattr(page, "last_published_at", None),
            "helpful": helpful,
            "comment": comment,
            "language": (data.get("language") or translation.get_language() or "")[:20],
        }
        dedup_key = self.dedup_key(request, fields)
        seconds = webinar_settings.FEEDBACK_DEDUP_SECONDS
        # cache.add is atomic across processes: only the first of identical answers wins it.
        if seconds and not cache.add(dedup_key, 0, seconds):
            existing = cache.get(dedup_key) or 0
            return FeedbackResult(
                "duplicate",
                helpful=helpful,
                comment=comment,
                comment_token=self.comment_token(existing, helpful)
                if existing and not comment
                else "",
            )
        feedback = self.save(fields)
        token = ""
        if not comment and self.comment_allowed(helpful):
            token = self.comment_token(feedback.pk, helpful)
            if seconds:
                # So that a repeated answer can still take its comment.
                cache.set(dedup_key, feedback.pk, seconds)
        return FeedbackResult(
            "saved", feedback=feedback, helpful=helpful, comment=comment, comment_token=token
        )

    def save(self, fields: dict[str, Any]):
        """Create the row. Override to store more or to hand the answer on."""
        return self.get_feedback_model().objects.create(**fields)

    def clean_page(self, value: Any, errors: dict[str, list[str]]):
        """The live page ``value`` names (an id), or None; adds to ``errors`` when unknown."""
        if value in (None, ""):
            return None
        page_model = swapper.load_model("wagtailcore", "Page")
        try:
            page_id = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            page_id = None
        page = None
        if page_id is not None:
            page = page_model.objects.live().filter(pk=page_id).first()
        if page is None:
            errors.setdefault("page", []).append(
                gettext("There is no published page with this id.")
            )
        return page

    def clean_path(self, value: Any, page, errors: dict[str, list[str]]) -> tuple[str, str]:
        """(path, query string) to store, both scrubbed; a local path only, never another host."""
        if value in (None, ""):
            if page is None and "page" not in errors:
                errors.setdefault("path", []).append(
                    gettext("Say which page the answer is about: a page id or a path.")
                )
            return (page.url_path if page is not None else "", "")
        if (
            not isinstance(value, str)
            or not value.startswith("/")
            or value.startswith("//")
            or len(value) > PATH_MAX_LENGTH
            or any(ord(char) < 32 for char in value)
            # "/\\evil.example/" is "//evil.example/" to a browser, and the report links paths.
            or not url_has_allowed_host_and_scheme(value, allowed_hosts=set())
        ):
            errors.setdefault("path", []).append(
                gettext("The path must start with “/” and be at most %(max)s characters long.")
                % {"max": formats.number_format(PATH_MAX_LENGTH, force_grouping=True)}
            )
            return "", ""
        parts = urlsplit(value)
        return (
            scrub_path(parts.path)[:PATH_MAX_LENGTH],
            scrub_query_string(parts.query)[:PATH_MAX_LENGTH],
        )

    def clean_comment(self, value: Any, helpful: Any, errors: dict[str, list[str]]) -> str:
        """The trimmed comment (not yet scrubbed); adds to ``errors`` when too long or not
        allowed after this answer."""
        if not isinstance(value, str):
            errors.setdefault("comment", []).append(gettext("The comment must be text."))
            return ""
        value = value.strip()
        if len(value) > COMMENT_MAX_LENGTH:
            errors.setdefault("comment", []).append(
                gettext("Write at most %(max)s characters. You have written %(length)s.")
                % {
                    "max": formats.number_format(COMMENT_MAX_LENGTH, force_grouping=True),
                    "length": formats.number_format(len(value), force_grouping=True),
                }
            )
        elif value and isinstance(helpful, bool) and not self.comment_allowed(helpful):
            errors.setdefault("comment", []).append(
                gettext("A comment can only be added to the answer “No”.")
            )
        return value

    def get_site_id(self, request: HttpRequest, page) -> int | None:
        """The page's site (from Wagtail's cached site root paths: no query), else the
        request's."""
        from wagtail.models import Site

        if page is not None:
            url_parts = page.get_url_parts(request)
            return url_parts[0] if url_parts else None
        site = Site.find_for_request(request)
        return site.pk if site else None

    def dedup_key(self, request: HttpRequest, fields: dict[str, Any]) -> str:
        """A keyed hash of who (IP and browser) said what about which page; never stored."""
        parts = [
            request.META.get("REMOTE_ADDR", ""),
            request.headers.get("User-Agent", ""),
            str(fields["page"].pk if fields["page"] else ""),
            fields["path"],
            str(fields["helpful"]),
            fields["comment"],
        ]
        digest = salted_hmac(
            "wagtail_webinars.feedback.dedup", "\x1f".join(parts), algorithm="sha256"
        ).hexdigest()
        return f"wagtail_webinars:feedback:dedup:{digest}"

    # -- comments added after the answer -------------------------------------------------------

    def comment_token(self, feedback_id: int, helpful: bool) -> str:
        """A signed reference to a fresh answer, so a comment can follow without a cookie."""
        return signing.dumps([feedback_id, int(helpful)], salt=self.token_salt, compress=True)

    def read_comment_token(self, token: str) -> tuple[int, bool] | None:
        """(answer id, helpful) from a token of ``comment_token()``, or None when it is forged
        or older than ``COMMENT_TOKEN_MAX_AGE``."""
        try:
            feedback_id, helpful = signing.loads(
                token, salt=self.token_salt, max_age=COMMENT_TOKEN_MAX_AGE
            )
        except (signing.BadSignature, TypeError, ValueError):
            return None
        return int(feedback_id), bool(helpful)

    def add_comment(self, request: HttpRequest, token: str, comment: Any) -> FeedbackResult:
        """Attach a comment to the answer ``token`` refers to (once; later tries are ignored)."""
        if self.is_rate_limited(request):
            return FeedbackResult("rate_limited", comment=str(comment or ""), comment_token=token)
        reference = self.read_comment_token(token)
        errors: dict[str, list[str]] = {}
        if reference is None:
            errors["comment"] = [
                gettext(
                    "Your comment could not be linked to your answer, perhaps because too much "
                    "time has passed. Copy your text, reload the page and answer again."
                )
            ]
            return FeedbackResult("invalid", errors=errors, comment=str(comment or ""))
        feedback_id, helpful = reference
        comment = self.clean_comment(comment or "", helpful, errors)
        if errors:
            return FeedbackResult(
                "invalid", errors=errors, helpful=helpful, comment=comment, comment_token=token
            )
        if not comment:
            return FeedbackResult("saved", helpful=helpful)
        comment = scrub_text(comment)
        updated = (
            self.get_feedback_model()
            .objects.filter(pk=feedback_id, comment="")
            .update(comment=comment)
        )
        return FeedbackResult("saved" if updated else "duplicate", helpful=helpful, comment=comment)


def get_feedback_service() -> FeedbackService:
    """The site's feedback service (``WAGTAIL_WEBINARS["FEEDBACK_SERVICE"]``)."""
    service = webinar_settings.FEEDBACK_SERVICE
    if isinstance(service, str):
        service = import_string(service)
    return service()


# ---------------------------------------------------------------------------------------------
# What the widget's templates get
# ---------------------------------------------------------------------------------------------


def widget_context(
    state: str,
    *,
    page_id: int | str | None,
    path: str,
    next_url: str,
    errors: dict[str, list[str]] | None = None,
    comment: str = "",
    token: str = "",
) -> dict[str, Any]:
    """Context of ``includes/feedback.html`` and its fragments; ``state`` is ``"question"``,
    ``"comment"`` or ``"thanks"``. Holds nothing about the visitor, so pages stay cacheable."""
    errors = errors or {}
    return {
        "state": state,
        "texts": feedback_texts(),
        "errors": errors,
        "general_errors": [m for key, ms in errors.items() if key != "comment" for m in ms],
        "comment": comment,
        "token": token,
        "page_id": page_id or "",
        "path": path,
        "next": next_url,
        "language": translation.get_language() or "",
        "comment_max_length": formats.number_format(COMMENT_MAX_LENGTH, force_grouping=True),
    }


def strip_widget_params(full_path: str) -> str:
    """The path and query string without the parameters the widget adds itself."""
    parts = urlsplit(full_path)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in WIDGET_PARAMS
    ]
    return parts.path + ("?" + urlencode(query) if query else "")

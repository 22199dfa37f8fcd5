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
from typing import Any
from urllib.parse import urlsplit

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from ..conf import webinar_settings
from ..ratelimit import client_address, rate_limit_exceeded, retry_after
from ..text import is_multiline, is_single_line
from .live_pages import live_page
from .models import COMMENT_MAX_LENGTH, Feedback
from .scrub import scrub_path, scrub_query_string, scrub_text

PATH_MAX_LENGTH = 2048
# Page ids are 32-bit on every database Wagtail supports; a larger one names no page.
PAGE_ID_MAX = 2**31 - 1
# How long the visitor has to add a comment after answering.
COMMENT_TOKEN_MAX_AGE = 60 * 60


def rate_limited_message() -> str:
    return gettext("Too many answers from your network. Please try again in a while.")


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
    # For "rate_limited": seconds until the visitor may try again (the answer's Retry-After).
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.status in {"saved", "duplicate", "ignored"}


class FeedbackService:
    """Validates, scrubs, de-duplicates and saves feedback. Override points carry docstrings."""

    token_salt = "wagtail_webinars.feedback.comment"  # noqa: S105 - a signing salt, not a secret

    def get_feedback_model(self):
        """The model answers are saved in; the report, the editor's panel and the digest read
        it too. Return a subclass of ``AbstractFeedback`` to store more."""
        return Feedback

    def comment_allowed(self, helpful: bool) -> bool:
        """Whether a comment may follow this answer (always after "No")."""
        return not helpful or bool(webinar_settings.FEEDBACK_COMMENT_AFTER_YES)

    def is_rate_limited(self, request: HttpRequest) -> bool:
        """Counts the request; the HTML form and the JSON endpoint share one limit."""
        return rate_limit_exceeded(request, "feedback", "FEEDBACK_RATE_LIMIT")

    def rate_limit_retry_after(self, request: HttpRequest) -> int:
        """Seconds until a visitor that ``is_rate_limited()`` refused may try again."""
        return retry_after(request, "feedback", "FEEDBACK_RATE_LIMIT")

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
            return FeedbackResult(
                "rate_limited",
                helpful=helpful,
                comment=comment,
                retry_after=self.rate_limit_retry_after(request),
            )

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
        page_id = None
        if isinstance(value, int) and not isinstance(value, bool):
            page_id = value
        elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and value.isascii() and value.strip().isdigit()
        ):
            page_id = int(value)
        page = None
        if page_id is not None and 0 < page_id <= PAGE_ID_MAX:
            page = live_page(page_id)
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
            or not is_single_line(value)
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
        if not is_multiline(value):
            errors.setdefault("comment", []).append(
                gettext("The comment contains characters that cannot be used.")
            )
        elif len(value) > COMMENT_MAX_LENGTH:
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
        """A keyed hash of who (IP and browser) said what about which page; never stored.

        "Who" is ``client_address()``, the rule the rate limits use, so behind a proxy two
        visitors are two, not the proxy's one address."""
        parts = [
            client_address(request),
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
            return FeedbackResult(
                "rate_limited",
                comment=str(comment or ""),
                comment_token=token,
                retry_after=self.rate_limit_retry_after(request),
            )
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

"""Answers to "Hjälpte informationen på sidan dig?" and the per-page switch that turns it off.

Nothing here identifies a visitor: no IP address, no cookie, no session. Comments and the query
string of the recorded URL are scrubbed of e-mail addresses, phone numbers and personal identity
numbers before they reach these models (``wagtail_webinars.feedback.scrub``).

The tables keep the names they had when these models lived in the ``wagtail_webinars`` app, so
a site that upgrades keeps every row where it is (see ``migrations/0001_initial.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..pagemodel import page_model_name

COMMENT_MAX_LENGTH = 1250


class AbstractFeedback(models.Model):
    """One answer to the feedback question.

    Subclass it to store more, and return the subclass from
    ``FeedbackService.get_feedback_model()``.
    """

    page = models.ForeignKey(
        page_model_name(),
        verbose_name=_("page"),
        null=True,
        blank=True,
        # Keep the answers (and their path) when a page is deleted: the report still counts them.
        on_delete=models.SET_NULL,
        related_name="+",
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.CharField(_("path"), max_length=2048, blank=True)
    query_string = models.CharField(_("query string"), max_length=2048, blank=True)
    page_published_at = models.DateTimeField(
        _("page last published"),
        null=True,
        blank=True,
        help_text=_("When the page had last been published when the answer was given."),
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.page_id or self.path}: {'yes' if self.helpful else 'no'}"

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query_string}" if self.query_string else self.path


class Feedback(AbstractFeedback):
    """The default feedback model."""

    class Meta(AbstractFeedback.Meta):
        db_table = "wagtail_webinars_feedback"
        indexes = [models.Index(fields=["page", "created_at"], name="ww_feedback_page_created")]


class FeedbackPageSetting(models.Model):
    """Turns the feedback widget off on one page (any page type of the site).

    Read on every page view from a cached set of page ids, never from the database, so the switch
    costs a page no SQL query (see ``page_switch.feedback_disabled_page_ids``).
    """

    page = models.OneToOneField(
        page_model_name(),
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    enabled = models.BooleanField(_("ask visitors for feedback on this page"), default=True)

    class Meta:
        db_table = "wagtail_webinars_feedbackpagesetting"
        verbose_name = _("feedback setting of a page")
        verbose_name_plural = _("feedback settings of pages")

    def __str__(self) -> str:
        return f"{self.page_id}: {self.enabled}"

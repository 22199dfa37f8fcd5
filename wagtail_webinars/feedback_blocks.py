"""Where migrations find ``FeedbackBlock``: it was defined here before 0.1.0 moved it to the
feedback app, ``wagtail_webinars.feedback.blocks``. Import it from there."""

from .feedback.blocks import FeedbackBlock

__all__ = ["FeedbackBlock"]

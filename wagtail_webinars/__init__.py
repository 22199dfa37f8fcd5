"""Webinar series, sessions, registration and page feedback for Wagtail sites."""

__version__ = "0.1.0"

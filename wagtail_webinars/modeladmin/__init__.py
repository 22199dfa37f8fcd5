"""The registrations admin, built on wagtail-modeladmin.

Kept in its own sub-package so that it can be replaced by Wagtail's own viewsets later without
touching the rest of the app. ``wagtail_hooks.py`` registers ``RegistrationAdmin``; every action
here (cancel, resend) calls the same service functions as the public form and the JSON API.
"""

from .options import RegistrationAdmin

__all__ = ["RegistrationAdmin"]

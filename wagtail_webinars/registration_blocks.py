"""Where migrations find the registration blocks: they were defined here before 0.1.0 moved
them to ``wagtail_webinars.blocks``. Import them from there."""

from .blocks import RegistrationFormBlock, WebinarPageChooserBlock

__all__ = ["RegistrationFormBlock", "WebinarPageChooserBlock"]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailWebinarsConfig(AppConfig):
    """The webinar pages, snippets and registration: ``"wagtail_webinars"`` in
    ``INSTALLED_APPS``, beside ``"wagtail_webinars.feedback"``."""

    name = "wagtail_webinars"
    label = "wagtail_webinars"
    verbose_name = _("Webinars")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every side effect of this app is wired here, once: each part exposes what to connect.
        from django.core import checks
        from django.core.signals import setting_changed

        from . import checks as kernel_checks, signal_handlers
        from .conf import reload_webinar_settings
        from .registration import signal_handlers as registration_signals

        setting_changed.connect(reload_webinar_settings, dispatch_uid="wagtail_webinars.conf")
        # CORS answers for the frontend origins on our URLs and API v2's (origin.py).
        from corsheaders.signals import check_request_enabled

        from .origin import cors_request_enabled

        check_request_enabled.connect(cors_request_enabled, dispatch_uid="wagtail_webinars.cors")
        signal_handlers.connect()
        # After the cache receivers, so that a session reads its series as published.
        registration_signals.connect()
        # The registration object of API v2 (serializers.RegistrationField) is built by the
        # registration rules' presentation, which content cannot import.
        from .registration import presentation
        from .serializers import RegistrationField

        RegistrationField.connect(
            build_sessions=presentation.session_registration_json,
            build_series=presentation.series_registration_json,
            is_series=presentation.is_series,
        )
        for check in kernel_checks.WEBINAR_CHECKS:
            checks.register(check, "wagtail_webinars")
        for check in kernel_checks.DEPLOY_CHECKS:
            checks.register(check, "wagtail_webinars", deploy=True)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailWebinarsConfig(AppConfig):
    name = "wagtail_webinars"
    label = "wagtail_webinars"
    verbose_name = _("Webinars")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every side effect of this app is wired here, once.
        from django.core import checks
        from django.core.signals import setting_changed

        from . import checks as webinar_checks
        from .conf import reload_webinar_settings

        setting_changed.connect(reload_webinar_settings, dispatch_uid="wagtail_webinars.conf")
        try:
            from anymail.signals import tracking
        except ImportError:  # Anymail is optional: without it there is no delivery tracking
            pass
        else:
            from .emails import receive_tracking

            tracking.connect(receive_tracking, dispatch_uid="wagtail_webinars.emails.tracking")
        # Feedback: the cached set of pages with the widget turned off follows every change.
        from django.db.models.signals import post_delete, post_save

        from .feedback import refresh_disabled_pages_cache
        from .models import FeedbackPageSetting

        for signal in (post_save, post_delete):
            signal.connect(
                refresh_disabled_pages_cache,
                sender=FeedbackPageSetting,
                dispatch_uid=f"wagtail_webinars.feedback.{signal is post_save}",
            )
        for check in webinar_checks.ALL_CHECKS:
            checks.register(check, "wagtail_webinars")

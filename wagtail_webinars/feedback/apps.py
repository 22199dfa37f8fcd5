from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailWebinarsFeedbackConfig(AppConfig):
    """The feedback widget: ``"wagtail_webinars.feedback"`` in ``INSTALLED_APPS``, alone or
    beside ``"wagtail_webinars"``."""

    name = "wagtail_webinars.feedback"
    label = "wagtail_webinars_feedback"
    verbose_name = _("Page feedback")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every side effect of this app is wired here, once.
        from django.core import checks
        from django.core.signals import setting_changed

        from .. import checks as kernel_checks
        from ..conf import reload_webinar_settings
        from . import live_pages, page_switch

        setting_changed.connect(reload_webinar_settings, dispatch_uid="wagtail_webinars.conf")
        page_switch.connect()
        live_pages.connect()
        for check in kernel_checks.FEEDBACK_CHECKS:
            checks.register(check, "wagtail_webinars")
        for check in kernel_checks.DEPLOY_CHECKS:
            checks.register(check, "wagtail_webinars", deploy=True)

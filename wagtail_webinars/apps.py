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
        for check in webinar_checks.ALL_CHECKS:
            checks.register(check, "wagtail_webinars")

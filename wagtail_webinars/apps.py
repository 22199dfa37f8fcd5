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
        # Page fragment cache: anything a page shows but does not own makes its fragments stale.
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import ContactPerson, Notice, RegistrationQuestion, Speaker, TechnicalHelpFAQ
        from .page_cache import bump_generation, bump_generation_for_page
        from .pagemodel import series_page_model, session_page_model

        cached_models = (Speaker, ContactPerson, Notice, TechnicalHelpFAQ, RegistrationQuestion)
        # Our own pages too: code that changes one with save() rather than a published revision
        # leaves its cache_key (last_published_at) as it was.
        for model in (*cached_models, series_page_model(), session_page_model()):
            # Publishing and unpublishing a snippet both save it.
            for signal in (post_save, post_delete):
                signal.connect(
                    bump_generation,
                    sender=model,
                    dispatch_uid=f"wagtail_webinars.page_cache.{model.__name__}.{signal is post_save}",
                )
        # Any page: a series' title, its dates, a notice's link target.
        page_signals = {
            "published": page_published,
            "unpublished": page_unpublished,
            "moved": post_page_move,
        }
        for name, signal in page_signals.items():
            signal.connect(bump_generation, dispatch_uid=f"wagtail_webinars.page_cache.page_{name}")
        post_delete.connect(
            bump_generation_for_page, dispatch_uid="wagtail_webinars.page_cache.delete"
        )
        # Registration: a capacity raised and published goes to those on the waiting list.
        # Connected after the cache receivers above, so a session reads its series as published.
        from .services import promote_waitlisted_on_publish

        page_published.connect(
            promote_waitlisted_on_publish,
            dispatch_uid="wagtail_webinars.services.promote_waitlisted_on_publish",
        )
        for check in webinar_checks.ALL_CHECKS:
            checks.register(check, "wagtail_webinars")

from django.apps import AppConfig


class WebinarPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.custom_page.webinarpages"
    label = "webinarpages"

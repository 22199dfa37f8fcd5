"""Registers the feedback report, the edit-view panel and the permission to see answers with
Wagtail. Registration only: no side effects."""

from django.apps import apps
from wagtail import hooks

from . import admin_views

#: The webinar app's "Webinarier" menu, when it is installed too (its wagtail_hooks names it).
WEBINARS_MENU_HOOK = "register_wagtail_webinars_menu_item"

hooks.register("register_admin_urls", admin_views.admin_urls)
# Beside the registrations in "Webinarier" when the webinar app is installed; a site with only
# the feedback app finds the report under "Rapporter".
hooks.register(
    WEBINARS_MENU_HOOK if apps.is_installed("wagtail_webinars") else "register_reports_menu_item",
    admin_views.report_menu_item,
)
hooks.register("insert_editor_js", admin_views.editor_js)
hooks.register("register_permissions", admin_views.feedback_permissions)
hooks.register("register_log_actions", admin_views.register_log_actions)

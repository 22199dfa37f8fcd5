"""Registers the feedback report, the edit-view panel and the permission to see answers with
Wagtail. Registration only: no side effects."""

from wagtail import hooks

from . import admin_views

hooks.register("register_admin_urls", admin_views.admin_urls)
hooks.register("register_reports_menu_item", admin_views.report_menu_item)
hooks.register("insert_editor_js", admin_views.editor_js)
hooks.register("register_permissions", admin_views.feedback_permissions)
hooks.register("register_log_actions", admin_views.register_log_actions)

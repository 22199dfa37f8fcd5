"""Public URLs of the feedback widget, in the ``wagtail_webinars`` namespace.

A site with the whole package gets them through ``wagtail_webinars.urls``. A site with only the
feedback app includes these, once, under any prefix, before Wagtail's own::

    path("webinars/", include("wagtail_webinars.feedback.urls")),
"""

from django.urls import path

from . import api_views, views

app_name = "wagtail_webinars"

urlpatterns = [
    path("feedback/", views.feedback_form, name="feedback"),
    path("api/feedback/", api_views.feedback_api, name="api_feedback"),
]

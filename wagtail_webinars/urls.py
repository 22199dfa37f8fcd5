"""URLs of wagtail_webinars. A host includes them once, under any prefix, before Wagtail's own:

    path("webinars/", include("wagtail_webinars.urls")),
"""

from django.urls import path

from . import views

app_name = "wagtail_webinars"

urlpatterns = [
    path("sessions/<int:page_id>/calendar.ics", views.session_calendar, name="session_calendar"),
]

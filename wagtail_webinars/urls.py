"""URLs of wagtail_webinars, the feedback widget's included. A host includes them once, under any
prefix, before Wagtail's own:

    path("webinars/", include("wagtail_webinars.urls")),
"""

from django.urls import path

from . import embed, openapi, views
from .feedback import urls as feedback_urls
from .registration import api_views, views as registration_views

app_name = "wagtail_webinars"

urlpatterns = [
    path("sessions/<int:page_id>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("series/<int:page_id>/calendar.ics", views.series_calendar, name="series_calendar"),
    path("calendar.ics", views.site_calendar, name="site_calendar"),
    # Registration (HTML)
    path(
        "sessions/<int:page_id>/register/",
        registration_views.session_register,
        name="session_register",
    ),
    path(
        "series/<int:page_id>/register/", registration_views.series_register, name="series_register"
    ),
    path(
        "registrations/result/<str:signed>/",
        registration_views.registration_result,
        name="registration_result",
    ),
    path(
        "registrations/cancel/<str:token>/",
        registration_views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "registrations/cancel/page/<str:reference>/",
        registration_views.registration_cancel_page,
        name="registration_cancel_page",
    ),
    # Registration (JSON)
    path(
        "api/sessions/<int:page_id>/registrations/",
        api_views.session_registrations,
        name="api_session_registrations",
    ),
    path(
        "api/series/<int:page_id>/registrations/",
        api_views.series_registrations,
        name="api_series_registrations",
    ),
    path(
        "api/registrations/cancel/", api_views.cancel_registration, name="api_registration_cancel"
    ),
    path("api/municipalities/", api_views.municipalities, name="api_municipalities"),
    # The OpenAPI 3.1 document of the JSON endpoints above, the feedback one and API v2's sessions
    path("api/openapi.json", openapi.openapi_document, name="api_openapi"),
    # The embed script for sites that do not run Wagtail (docs/embed.md)
    path("embed.js", embed.embed_script, name="embed_script"),
    # Feedback widget (HTML form and JSON), the feedback app's own URLs
    *feedback_urls.urlpatterns,
]

"""HTML and file views of wagtail_webinars (pages themselves are served by Wagtail)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from .ical import get_calendar_class
from .pagemodel import session_page_model


@require_GET
def session_calendar(request: HttpRequest, page_id: int) -> HttpResponse:
    """The session's .ics file, for "Lägg till i kalender"."""
    session = get_object_or_404(session_page_model().objects.live().public(), pk=page_id)
    calendar = get_calendar_class()(session, request)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    filename = slugify(session.title)[:60] or "webinar"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response

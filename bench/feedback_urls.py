"""URLs of the feedback benchmark: our URLs, and the baseline view that inserts one row."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

BASELINE_TABLE = "bench_feedback_baseline_row"


@csrf_exempt
@require_POST
def baseline(request):
    """The least a feedback endpoint can do: parse the JSON body, insert one row, answer 201.
    Same server, middleware and database as the real endpoint."""
    if request.content_type != "application/json":
        return JsonResponse({"code": "unsupported_media_type"}, status=415)
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (page_id, helpful, comment) VALUES (%s, %s, %s)",
            [body["page"], body["helpful"], body.get("comment", "")],
        )
    return JsonResponse(
        {"helpful": body["helpful"], "comment": body.get("comment", "")}, status=201
    )


urlpatterns = [
    path("bench/baseline/", baseline),
    path("webinars/", include("wagtail_webinars.urls")),
]

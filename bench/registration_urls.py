"""URLs of the registration benchmark: our URLs, and the baseline view that inserts one row."""

import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

BASELINE_TABLE = "bench_baseline_row"


@csrf_exempt
@require_POST
def baseline(request):
    """The least a registration endpoint can do: parse the JSON body, insert one row, answer
    201 with its id. Same server, middleware and database as the real endpoint."""
    if request.content_type != "application/json":
        return JsonResponse({"code": "unsupported_media_type"}, status=415)
    body = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (name, email) VALUES (%s, %s) RETURNING id",
            [body["name"], body["email"]],
        )
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id, "status": "confirmed"}, status=201)


urlpatterns = [
    path("bench/baseline/", baseline),
    path("webinars/", include("wagtail_webinars.urls")),
]

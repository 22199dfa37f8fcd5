"""Run with today's code after ``migrate``: writes what the upgraded database holds, in the shape
``populate_old.py`` wrote, plus what an editor of the group sees."""

import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from wagtail_webinars.feedback.models import Feedback, FeedbackPageSetting  # noqa: E402
from wagtail_webinars.feedback.page_switch import feedback_disabled_page_ids  # noqa: E402
from wagtail_webinars.models import Registration, RegistrationEmail  # noqa: E402

user = get_user_model().objects.get(username="redaktor")
client = Client()
client.force_login(user)
report = client.get(reverse("wagtail_webinars_feedback:report"))

with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(
        {
            "registrations": sorted(
                Registration.objects.values_list("pk", "email", "status").order_by("pk")
            ),
            "emails": sorted(
                RegistrationEmail.objects.values_list("pk", "kind", "state").order_by("pk")
            ),
            "feedback": sorted(
                Feedback.objects.values_list("pk", "page_id", "path", "helpful", "comment")
            ),
            "switched_off": sorted(
                FeedbackPageSetting.objects.filter(enabled=False).values_list("page_id", flat=True)
            ),
            "disabled_ids": sorted(feedback_disabled_page_ids()),
            "has_perm": user.has_perm("wagtail_webinars_feedback.view_feedback"),
            "report_status": report.status_code,
            "report_has_comment": "Saknar tider" in report.content.decode(),
            "feedback_content_types": sorted(
                ContentType.objects.filter(model="feedback").values_list("app_label", flat=True)
            ),
        },
        out,
        ensure_ascii=False,
    )

"""Run with the code of 0.1.0's development layout (before the feedback app had its own label):
fills a freshly migrated database with what a site holds, and writes what it made to a JSON file.

Usage (from the old tree): python -m tests.upgrade_populate_old OUT.json
"""

import datetime
import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import GroupPagePermission, Page  # noqa: E402

from tests.factories import WebinarSessionPageFactory  # noqa: E402
from wagtail_webinars import services  # noqa: E402
from wagtail_webinars.models import (  # noqa: E402
    Feedback,
    FeedbackPageSetting,
    Registration,
    RegistrationEmail,
)

home = Page.objects.get(depth=2)
start = timezone.now() + datetime.timedelta(days=30)
session = WebinarSessionPageFactory(
    parent=home,
    title="Det demokratiska samtalet",
    start=start,
    end=start + datetime.timedelta(hours=2),
    registration_capacity=1,
)
for name, email in [("Anna Berg", "anna@example.se"), ("Björn Ek", "bjorn@example.se")]:
    services.register(
        session,
        services.RegistrationRequest(
            name=name, email=email, organisation="Exempelkommun", municipality_code="0180"
        ),
    )
registration = Registration.objects.order_by("pk").first()
# One e-mail still waiting in the outbox, as a worker would find it after an outage.
pending = RegistrationEmail.objects.create(registration=registration, kind="reminder")

Feedback.objects.create(page=home, path="/", helpful=True, language="sv")
Feedback.objects.create(page=session, path=session.url_path, helpful=False, comment="Saknar tider")
Feedback.objects.create(
    path="/kontakt/", query_string="q=buss", helpful=False, comment="Fel nummer"
)
FeedbackPageSetting.objects.create(page=session, enabled=False)

group = Group.objects.create(name="Redaktörer för synpunkter")
group.permissions.add(
    Permission.objects.get(content_type__app_label="wagtail_webinars", codename="view_feedback")
)
# The site's editors: since issue 10 the report shows comments only of the pages a group may edit.
GroupPagePermission.objects.create(group=group, page=home, permission_type="change")
user = get_user_model().objects.create_user("redaktor", "redaktor@example.se", "lösenord-123")
user.groups.add(group)
user.user_permissions.add(Permission.objects.get(codename="access_admin"))

with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(
        {
            "session": session.pk,
            "registrations": sorted(
                Registration.objects.values_list("pk", "email", "status").order_by("pk")
            ),
            "emails": sorted(
                RegistrationEmail.objects.values_list("pk", "kind", "state").order_by("pk")
            ),
            "pending_email": pending.pk,
            "feedback": sorted(
                Feedback.objects.values_list("pk", "page_id", "path", "helpful", "comment")
            ),
            "switched_off": [session.pk],
            "user": user.username,
            "group": group.name,
        },
        out,
        ensure_ascii=False,
    )

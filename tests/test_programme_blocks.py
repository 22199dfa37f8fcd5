"""What a session's programme and a series' body offer an editor: no registration form and no
feedback question, which the page shows itself; and content stored with them before migration
0007 loses them there."""

import importlib
import json

import pytest
from django.apps import apps
from django.db.models import TextField
from django.db.models.functions import Cast

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import WebinarSeriesPage, WebinarSessionPage

pytestmark = pytest.mark.django_db

migration_0007 = importlib.import_module(
    "wagtail_webinars.migrations.0007_programme_without_form_blocks_and_form_placement"
)


@pytest.mark.parametrize(
    ("model", "field"), [(WebinarSessionPage, "programme"), (WebinarSeriesPage, "body")]
)
def test_the_block_menu_offers_neither_the_form_nor_the_feedback_question(model, field):
    offered = set(model._meta.get_field(field).stream_block.child_blocks)
    assert "registration_form" not in offered
    assert "feedback" not in offered
    assert {"heading", "paragraph", "after_broadcast"} <= offered


def stored(model, pk, field):
    raw = (
        model.objects.annotate(raw=Cast(field, output_field=TextField()))
        .values_list("raw", flat=True)
        .get(pk=pk)
    )
    return [block["type"] for block in json.loads(raw)]


def test_the_migration_drops_the_two_blocks_from_stored_pages_and_keeps_the_rest(home):
    session = WebinarSessionPageFactory(parent=home)
    series = WebinarSeriesPageFactory(parent=home)
    untouched = WebinarSessionPageFactory(parent=home, title="Utan gamla block")
    old = [
        {"type": "heading", "value": {"text": "Program", "level": "h3"}, "id": "1"},
        {"type": "registration_form", "value": {"page": session.pk}, "id": "2"},
        {"type": "paragraph", "value": "<p>Välkommen</p>", "id": "3"},
        {"type": "feedback", "value": None, "id": "4"},
    ]
    WebinarSessionPage.objects.filter(pk=session.pk).update(programme=old)
    WebinarSeriesPage.objects.filter(pk=series.pk).update(body=old)
    WebinarSessionPage.objects.filter(pk=untouched.pk).update(programme=old[2:3])

    migration_0007.drop_removed_blocks(apps, None)

    assert stored(WebinarSessionPage, session.pk, "programme") == ["heading", "paragraph"]
    assert stored(WebinarSeriesPage, series.pk, "body") == ["heading", "paragraph"]
    assert stored(WebinarSessionPage, untouched.pk, "programme") == ["paragraph"]

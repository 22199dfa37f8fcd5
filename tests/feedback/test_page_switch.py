"""The per-page switch of the feedback widget (``page_switch``): an editor's change reaches every
process that serves pages. (The switch as a visitor sees it: test_widget.py; as an editor sets
it: test_admin_views.py.)"""

import datetime

import pytest

from wagtail_webinars.feedback.models import FeedbackPageSetting
from wagtail_webinars.feedback.page_switch import feedback_disabled_page_ids

pytestmark = pytest.mark.django_db


def test_a_switch_changed_in_another_process_is_seen_within_minutes(home, local_cache, frozen):
    # With a per-process cache (Django's default LocMemCache) the signal that refreshes the set
    # of switched-off pages runs only in the process that saved the switch; the others must
    # not keep their copy for ever. The test needs that per-process cache, whose expiry follows
    # the travelling clock (Redis keeps its own time), whatever cache the suite runs with.
    assert home.pk not in feedback_disabled_page_ids()
    # bulk_create sends no signal: the switch as this process sees a save made in another one.
    FeedbackPageSetting.objects.bulk_create([FeedbackPageSetting(page=home, enabled=False)])

    frozen.shift(datetime.timedelta(minutes=10))

    assert home.pk in feedback_disabled_page_ids()

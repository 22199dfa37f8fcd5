"""The admin form of the webinar page types: a session's times are typed and shown in the
webinars' time zone (``TIME_ZONE``, Europe/Stockholm), whatever zone the editor's admin is in.

A `wagtail start` site runs its admin in UTC: without this, an editor who types the 10.00 of
the programme would publish a webinar at 11.00 Swedish time. A time that does not exist in that
zone (the night the clocks go forward) or that happens twice (the night they go back) is refused
with a message that says so, instead of being moved an hour.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .dates import webinar_zone

#: The page fields that hold a moment of the webinar.
ZONED_FIELDS = ("start", "end", "registration_opens_at", "registration_closes_at")


class WebinarZoneDateTimeField(forms.DateTimeField):
    """A date and time in the webinars' zone, typed and shown as the programme says it."""

    default_error_messages = {
        "nonexistent": _(
            "%(time)s does not exist in %(zone)s: the clocks go forward an hour that night. "
            "Choose another time."
        ),
        "ambiguous": _(
            "%(time)s happens twice in %(zone)s: the clocks go back an hour that night. "
            "Choose another time."
        ),
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, webinar_zone())
        return value

    def to_python(self, value: Any) -> datetime.datetime | None:
        zone = webinar_zone()
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value
        with timezone.override(datetime.UTC):
            # Parsed as Django does, but read as a wall-clock time of the webinars' zone.
            parsed = super().to_python(value)
        if parsed is None:
            return None
        naive = timezone.make_naive(parsed, datetime.UTC)
        self._check_exists(naive, zone)
        return naive.replace(tzinfo=zone)

    def _check_exists(self, naive: datetime.datetime, zone: datetime.tzinfo) -> None:
        early, late = naive.replace(fold=0, tzinfo=zone), naive.replace(fold=1, tzinfo=zone)
        if early.utcoffset() == late.utcoffset():
            return
        params = {"time": formats.date_format(naive, "DATETIME_FORMAT"), "zone": str(zone)}
        # Round trip through UTC: a wall-clock time that exists comes back unchanged.
        exists = early.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) == naive
        code = "ambiguous" if exists else "nonexistent"
        raise forms.ValidationError(self.error_messages[code], code=code, params=params)


class WebinarPageForm(WagtailAdminPageForm):
    """``base_form_class`` of our page types (and of a site's own, built from our mixins)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = str(webinar_zone())
        for name in ZONED_FIELDS:
            field = self.fields.get(name)
            if field is None or isinstance(field, WebinarZoneDateTimeField):
                continue
            zoned = WebinarZoneDateTimeField(
                label=field.label,
                required=field.required,
                widget=field.widget,
                help_text=" ".join(
                    filter(
                        None, [str(field.help_text), gettext("Time in %(zone)s.") % {"zone": zone}]
                    )
                ),
            )
            self.fields[name] = zoned
        self.take_defaults_from_parent(getattr(self, "parent_page", None))

    #: Fields a new page starts with from its parent's value, when the parent has the field (a
    #: session under a series takes the series' technical-help FAQ).
    inherited_fields: tuple[str, ...] = ("technical_help",)

    def take_defaults_from_parent(self, parent) -> None:
        """Override point: pre-fill a new page's fields from its parent page."""
        if parent is None or self.instance.pk is not None or self.is_bound:
            return
        parent = parent.specific
        for name in self.inherited_fields:
            if name in self.fields and not self.initial.get(name):
                value = getattr(parent, f"{name}_id", None)
                if value is not None:
                    self.initial[name] = value

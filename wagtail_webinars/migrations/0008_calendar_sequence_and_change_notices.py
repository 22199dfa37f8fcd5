"""SEQUENCE and the last published state stored on the session; one e-mail per key.

Existing sessions start at the SEQUENCE their calendars already hold (it was the live
revision's id), so no calendar ignores the next update as older; their ``calendar_state`` is
what is live now, so only a change published from now on is announced. Reminders already sent
are the one reminder of ``REMINDER_HOURS_BEFORE`` (the only offset there was)."""

import datetime

from django.conf import settings
from django.db import migrations, models


def remember_what_registrants_know(apps, schema_editor):
    Session = apps.get_model("wagtail_webinars", "WebinarSessionPage")
    if not Session._meta.swapped:  # a site's own session page migrates in its own app
        for session in Session.objects.using(schema_editor.connection.alias).iterator():
            session.calendar_sequence = session.live_revision_id or 0
            # The same dict as WebinarSessionPageMixin.calendar_snapshot().
            session.calendar_state = {
                "start": session.start.astimezone(datetime.UTC).isoformat(),
                "end": session.end.astimezone(datetime.UTC).isoformat(),
                "stream_url": session.stream_url,
                "status": session.status,
            }
            session.save(update_fields=["calendar_sequence", "calendar_state"])
    hours = (getattr(settings, "WAGTAIL_WEBINARS", None) or {}).get("REMINDER_HOURS_BEFORE", 24)
    RegistrationEmail = apps.get_model("wagtail_webinars", "RegistrationEmail")
    RegistrationEmail.objects.using(schema_editor.connection.alias).filter(
        kind="reminder", key=""
    ).update(key=f"before-{int(hours * 60)}")


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_webinars', '0007_programme_without_form_blocks_and_form_placement'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='registrationemail',
            name='wagtail_webinars_one_reminder_per_registration',
        ),
        migrations.AddField(
            model_name='registrationemail',
            name='key',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='about'),
        ),
        migrations.AddField(
            model_name='webinarsessionpage',
            name='calendar_sequence',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='SEQUENCE of the calendar event; grows with each change registrants are told of.', verbose_name='calendar sequence'),
        ),
        migrations.AddField(
            model_name='webinarsessionpage',
            name='calendar_state',
            field=models.JSONField(blank=True, default=dict, editable=False, help_text='What registrants were last told: start, end, join link and status.', verbose_name='published time, link and status'),
        ),
        migrations.AddField(
            model_name='webinarsessionpage',
            name='rescheduled_from',
            field=models.DateTimeField(blank=True, editable=False, help_text='The start before the session was last moved.', null=True, verbose_name='previous start'),
        ),
        migrations.AlterField(
            model_name='registrationemail',
            name='kind',
            field=models.CharField(choices=[('confirmation', 'Confirmation'), ('waitlisted', 'Waiting list'), ('promoted', 'Place from the waiting list'), ('cancelled', 'Cancellation'), ('reminder', 'Reminder'), ('update', 'Change of time or link'), ('postponed', 'Webinar postponed'), ('called_off', 'Webinar cancelled'), ('follow_up', 'After the broadcast')], max_length=16, verbose_name='e-mail'),
        ),
        migrations.RunPython(remember_what_registrants_know, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='registrationemail',
            constraint=models.UniqueConstraint(condition=models.Q(('key', ''), _negated=True), fields=('registration', 'kind', 'key'), name='wagtail_webinars_one_email_per_key'),
        ),
    ]

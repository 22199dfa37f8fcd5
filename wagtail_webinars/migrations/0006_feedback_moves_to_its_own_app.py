"""The feedback models belong to the feedback app now (``wagtail_webinars.feedback``, app label
``wagtail_webinars_feedback``), whose 0001 has taken over their tables: forget them here without
touching the database, so every answer and page switch stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("wagtail_webinars", "0005_feedback_block"),
        ("wagtail_webinars_feedback", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Feedback"),
                migrations.DeleteModel(name="FeedbackPageSetting"),
            ],
            database_operations=[],
        ),
    ]

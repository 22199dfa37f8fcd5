"""On PostgreSQL, the registrations' index on (session, status, created_at) also carries the
places (``INCLUDE (places)``), so that the count ``register()`` makes under the session's row lock
(places taken, registrations waiting) is an index-only scan: at 20,000 registrations it reads a
quarter of the pages it read before.

The index keeps its name and its key columns, so the models' state is the same on every database
and later migrations can alter it as usual. Other databases have no covering indexes (SQLite
ignores ``INCLUDE``) and keep the index as it was. Not ``Meta.indexes`` with ``include=``: Django 6
would warn (models.W040) on every SQLite site's ``manage.py check``.

On a large table, building the index holds off writes to the registrations for as long as it
takes (about a second per million rows); run the migration outside the busiest hours.
"""

from django.db import migrations, models

NAME = "wagtail_web_session_d07da5_idx"
FIELDS = ["session", "status", "created_at"]
PLAIN = models.Index(fields=FIELDS, name=NAME)
COVERING = models.Index(fields=FIELDS, include=["places"], name=NAME)


def _swap(old, new):
    def swap(apps, schema_editor):
        if not schema_editor.connection.features.supports_covering_indexes:
            return
        registration = apps.get_model("wagtail_webinars", "Registration")
        schema_editor.remove_index(registration, old)
        schema_editor.add_index(registration, new)

    return swap


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_webinars", "0010_series_retention_and_runs"),
    ]

    operations = [
        migrations.RunPython(_swap(PLAIN, COVERING), _swap(COVERING, PLAIN), elidable=False),
    ]

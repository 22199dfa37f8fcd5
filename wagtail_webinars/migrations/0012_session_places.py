"""Each session's places taken and registrations waiting in a row of their own
(``SessionPlaces``), kept by triggers on PostgreSQL, so that ``register()`` reads one row under
the session's lock instead of counting every registration of the session.

On PostgreSQL the migration creates the table, three triggers on the registrations' table
(insert, update, delete) and the function they run, and fills the table from the registrations
there are. The triggers are deferred constraint triggers: they run when the transaction
commits, so the row of a session is locked only at the commit, when a registration already holds
the session's lock, never while it waits for it. An update that changes none of status, places
and session queues nothing (its ``WHEN``). Creating the triggers locks the registrations' table
against writes until the migration commits, so nothing is missed between the fill and the first
trigger. Other databases get the empty table and no triggers.
"""

from django.db import migrations, models

TABLE = "wagtail_webinars_registration"
PLACES = "wagtail_webinars_sessionplaces"
FUNCTION = "wagtail_webinars_count_places"
ACTIVE = "('confirmed', 'waitlisted')"

CREATE = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {ACTIVE} THEN
        UPDATE {PLACES} SET
            taken = taken - CASE WHEN OLD.status = 'confirmed' THEN OLD.places ELSE 0 END,
            waiting = waiting - CASE WHEN OLD.status = 'waitlisted' THEN 1 ELSE 0 END
        WHERE session_id = OLD.session_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN {ACTIVE} THEN
        INSERT INTO {PLACES} (session_id, taken, waiting) VALUES (
            NEW.session_id,
            CASE WHEN NEW.status = 'confirmed' THEN NEW.places ELSE 0 END,
            CASE WHEN NEW.status = 'waitlisted' THEN 1 ELSE 0 END
        )
        ON CONFLICT (session_id) DO UPDATE SET
            taken = {PLACES}.taken + EXCLUDED.taken,
            waiting = {PLACES}.waiting + EXCLUDED.waiting;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER {FUNCTION}_insert AFTER INSERT ON {TABLE}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status IN {ACTIVE}) EXECUTE FUNCTION {FUNCTION}();
CREATE CONSTRAINT TRIGGER {FUNCTION}_update AFTER UPDATE ON {TABLE}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.status, OLD.places, OLD.session_id) IS DISTINCT FROM
          (NEW.status, NEW.places, NEW.session_id))
    EXECUTE FUNCTION {FUNCTION}();
CREATE CONSTRAINT TRIGGER {FUNCTION}_delete AFTER DELETE ON {TABLE}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IN {ACTIVE}) EXECUTE FUNCTION {FUNCTION}();
INSERT INTO {PLACES} (session_id, taken, waiting)
    SELECT session_id,
           COALESCE(SUM(places) FILTER (WHERE status = 'confirmed'), 0),
           COUNT(*) FILTER (WHERE status = 'waitlisted')
    FROM {TABLE} WHERE status IN {ACTIVE} GROUP BY session_id;
"""

DROP = f"""
DROP TRIGGER IF EXISTS {FUNCTION}_insert ON {TABLE};
DROP TRIGGER IF EXISTS {FUNCTION}_update ON {TABLE};
DROP TRIGGER IF EXISTS {FUNCTION}_delete ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_webinars", "0011_registration_count_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionPlaces",
            fields=[
                ("session_id", models.IntegerField(primary_key=True, serialize=False)),
                ("taken", models.IntegerField(default=0)),
                ("waiting", models.IntegerField(default=0)),
            ],
            options={
                "verbose_name": "places of a session",
                "verbose_name_plural": "places of sessions",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]

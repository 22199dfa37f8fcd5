"""Trigram indexes for the registrations list's search, on PostgreSQL only.

The admin searches name, address and organisation with ``icontains``, which Django writes as
``UPPER(col::text) LIKE UPPER('%…%')``: no B-tree index can serve a pattern with a leading
wildcard, so at 100,000 registrations every search read the whole table (1.2 s). A GIN index of
``pg_trgm`` trigrams over the same expression serves it (bench/admin_bench.py measures it).

Other databases keep a plain scan: SQLite has no such index, and its sites are small. Where the
database user may not create the ``pg_trgm`` extension, the migration says so and goes on without
the indexes rather than failing the host's deploy; run it again once a superuser has created the
extension (``CREATE EXTENSION pg_trgm;``) and the indexes are made.
"""

import warnings

from django.db import DatabaseError, migrations, transaction

TABLE = "wagtail_webinars_registration"
COLUMNS = ("name", "email", "organisation")


def index_name(column: str) -> str:
    return f"ww_registration_{column}_trgm"


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            warnings.warn(
                f"wagtail_webinars: the registrations search runs without trigram indexes, "
                f"because the extension pg_trgm could not be created ({error}).",
                stacklevel=1,
            )
            return
        for column in COLUMNS:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON "{TABLE}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f'DROP INDEX IF EXISTS "{index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_webinars", "0007_programme_without_form_blocks_and_form_placement"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]

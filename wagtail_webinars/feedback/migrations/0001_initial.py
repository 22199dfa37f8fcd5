"""The feedback app's models, created or, on a site upgraded from 0.1.0's development versions,
taken over from the ``wagtail_webinars`` app, where they lived until then.

Taking over moves nothing: the tables keep their names (``db_table``), so every answer and every
page switch stays where it is; ``wagtail_webinars`` 0006 then forgets the models without touching
the tables. The content types move with them, so a group that may view feedback keeps its
permission (the permission rows point at the content type, whose app label changes here).
"""

import django.db.models.deletion
import django.utils.timezone
import swapper
from django.apps import apps as global_apps
from django.db import migrations, models

swapper.set_app_prefix("wagtailcore", "wagtail")

OLD_APP_LABEL = "wagtail_webinars"
NEW_APP_LABEL = "wagtail_webinars_feedback"
MODELS = ("feedback", "feedbackpagesetting")


class CreateModelUnlessHeld(migrations.CreateModel):
    """``CreateModel`` that leaves the table alone while another app's model holds it.

    Forwards, a site upgraded from the time these models were ``wagtail_webinars``' has the
    table already: the state says so, and nothing is created. Backwards, the table goes back to
    ``wagtail_webinars`` (whose 0006 has been unapplied first) instead of being dropped.
    """

    def _held_elsewhere(self, app_label, state):
        table = self.options["db_table"]
        for (other_label, model_name), model_state in state.models.items():
            if other_label == app_label:
                continue
            if model_state.options.get("db_table", f"{other_label}_{model_name}") == table:
                return True
        return False

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._held_elsewhere(app_label, from_state):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._held_elsewhere(app_label, to_state):
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create model {self.name}, or take over its table from {OLD_APP_LABEL}"


def _move_content_types(apps, schema_editor, source, target):
    """Give the models' content types (and with them their permissions, and the groups and users
    that hold those) the ``target`` app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist (a post_migrate ran in between): grant the same on the one that stays.
        for permission in Permission.objects.using(db).filter(content_type=old):
            kept, _created = Permission.objects.using(db).get_or_create(
                content_type=new,
                codename=permission.codename,
                defaults={"name": permission.name},
            )
            for group in permission.group_set.all():
                group.permissions.add(kept)
            for user in permission.user_set.all():
                user.user_permissions.add(kept)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, OLD_APP_LABEL, NEW_APP_LABEL)


def content_types_backwards(apps, schema_editor):
    if global_apps.is_installed(OLD_APP_LABEL):
        _move_content_types(apps, schema_editor, NEW_APP_LABEL, OLD_APP_LABEL)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("wagtailcore", "0094_alter_page_locale"),
        swapper.dependency("wagtailcore", "Page"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    if global_apps.is_installed(OLD_APP_LABEL):
        # Where the webinar app is installed too, its migration that created these tables runs
        # first, so that this one finds them and takes them over.
        dependencies.append((OLD_APP_LABEL, "0003_feedback"))

    operations = [
        CreateModelUnlessHeld(
            name="FeedbackPageSetting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "enabled",
                    models.BooleanField(
                        default=True, verbose_name="ask visitors for feedback on this page"
                    ),
                ),
                (
                    "page",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=swapper.get_model_name("wagtailcore", "Page"),
                        verbose_name="page",
                    ),
                ),
            ],
            options={
                "verbose_name": "feedback setting of a page",
                "verbose_name_plural": "feedback settings of pages",
                "db_table": "wagtail_webinars_feedbackpagesetting",
            },
        ),
        CreateModelUnlessHeld(
            name="Feedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(blank=True, max_length=2048, verbose_name="path")),
                (
                    "query_string",
                    models.CharField(blank=True, max_length=2048, verbose_name="query string"),
                ),
                (
                    "page_published_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the page had last been published when the answer was given.",
                        null=True,
                        verbose_name="page last published",
                    ),
                ),
                ("helpful", models.BooleanField(verbose_name="helpful")),
                ("comment", models.TextField(blank=True, max_length=1250, verbose_name="comment")),
                ("language", models.CharField(blank=True, max_length=20, verbose_name="language")),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="answered at"
                    ),
                ),
                (
                    "page",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=swapper.get_model_name("wagtailcore", "Page"),
                        verbose_name="page",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="wagtailcore.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "feedback answer",
                "verbose_name_plural": "feedback answers",
                "db_table": "wagtail_webinars_feedback",
                "ordering": ["-created_at"],
                "abstract": False,
                "indexes": [
                    models.Index(fields=["page", "created_at"], name="ww_feedback_page_created")
                ],
            },
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards, elidable=False),
    ]

"""A session's programme and a series' body no longer offer the registration form and the
feedback question (the page shows both itself), and a session says where its form goes.

Blocks of the two removed types that pages already hold are dropped from the pages' stored
content, so the database, the API and the admin agree. Wagtail already leaves out a block type a
StreamField no longer has when it reads a page or a revision, so revisions are left as they are:
a draft opened in the admin shows the programme without them, and nothing breaks. A site whose
own page types replace ours (``WAGTAIL_WEBINARS_…_MODEL``) keeps its content: its own migrations
decide about its StreamFields.
"""

import json

import swapper
import wagtail.fields
from django.db import migrations, models
from django.db.models import TextField
from django.db.models.functions import Cast

REMOVED = {"registration_form", "feedback"}
FIELDS = {"WebinarSessionPage": "programme", "WebinarSeriesPage": "body"}


def drop_removed_blocks(apps, schema_editor):
    for model_name, field in FIELDS.items():
        if swapper.is_swapped("wagtail_webinars", model_name):
            continue
        model = apps.get_model("wagtail_webinars", model_name)
        # The stored JSON, read as text: the field itself already leaves the removed types out.
        rows = model.objects.annotate(raw=Cast(field, output_field=TextField())).values_list(
            "pk", "raw"
        )
        for pk, raw in rows.iterator():
            stream = json.loads(raw) if raw else []
            kept = [block for block in stream if block.get("type") not in REMOVED]
            if len(kept) != len(stream):
                model.objects.filter(pk=pk).update(**{field: kept})


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_webinars", "0006_feedback_moves_to_its_own_app"),
    ]

    operations = [
        migrations.RunPython(drop_removed_blocks, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="webinarsessionpage",
            name="registration_form_placement",
            field=models.CharField(
                choices=[
                    ("after_programme", "After the programme, with a link at the top"),
                    ("before_programme", "Before the programme, right after the lead"),
                ],
                default="after_programme",
                max_length=20,
                verbose_name="where the registration form is shown",
            ),
        ),
        migrations.AlterField(
            model_name="webinarseriespage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 2),
                    ("paragraph", 3),
                    ("bullet_list", 7),
                    ("questions_note", 9),
                    ("after_broadcast", 16),
                    ("faq", 19),
                    ("technical_help", 21),
                    ("image", 25),
                    ("embed", 28),
                ],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"label": "Text", "max_length": 255}),
                    1: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("h2", "Heading 2"),
                                ("h3", "Heading 3"),
                                ("h4", "Heading 4"),
                            ],
                            "label": "Level",
                        },
                    ),
                    2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                    3: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                            ],
                            "icon": "pilcrow",
                            "label": "Rich text",
                        },
                    ),
                    4: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Introduction", "max_length": 255, "required": False},
                    ),
                    5: ("wagtail.blocks.CharBlock", (), {"label": "Item"}),
                    6: ("wagtail.blocks.ListBlock", (5,), {"label": "Items"}),
                    7: ("wagtail.blocks.StructBlock", [[("intro", 4), ("items", 6)]], {}),
                    8: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "default": "There will be time for questions during the broadcast.",
                            "label": "Text",
                            "max_length": 500,
                        },
                    ),
                    9: ("wagtail.blocks.StructBlock", [[("text", 8)]], {}),
                    10: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "After the broadcast", "label": "Heading", "max_length": 255},
                    ),
                    11: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                            ],
                            "label": "Text",
                            "required": False,
                        },
                    ),
                    12: ("wagtail.blocks.CharBlock", (), {"label": "Question"}),
                    13: (
                        "wagtail.blocks.ListBlock",
                        (12,),
                        {"default": [], "label": "Discussion questions", "required": False},
                    ),
                    14: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {"label": "Document"},
                    ),
                    15: (
                        "wagtail.blocks.ListBlock",
                        (14,),
                        {"default": [], "label": "Material to download", "required": False},
                    ),
                    16: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("heading", 10),
                                ("text", 11),
                                ("discussion_questions", 13),
                                ("documents", 15),
                            ]
                        ],
                        {},
                    ),
                    17: ("wagtail.blocks.CharBlock", (), {"label": "Question", "max_length": 255}),
                    18: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                            ],
                            "label": "Answer",
                        },
                    ),
                    19: ("wagtail.blocks.StructBlock", [[("question", 17), ("answer", 18)]], {}),
                    20: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("wagtail_webinars.TechnicalHelpFAQ",),
                        {"label": "Technical help FAQ"},
                    ),
                    21: ("wagtail.blocks.StructBlock", [[("faq", 20)]], {}),
                    22: ("wagtail.images.blocks.ImageChooserBlock", (), {"label": "Image"}),
                    23: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describe the image for people who cannot see it. Leave empty if it is decorative.",
                            "label": "Alternative text",
                            "max_length": 255,
                            "required": False,
                        },
                    ),
                    24: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Caption", "max_length": 255, "required": False},
                    ),
                    25: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 22), ("alt_text", 23), ("caption", 24)]],
                        {},
                    ),
                    26: ("wagtail.embeds.blocks.EmbedBlock", (), {"label": "Embed URL"}),
                    27: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describes the embedded content for screen reader users.",
                            "label": "Title",
                            "max_length": 255,
                        },
                    ),
                    28: ("wagtail.blocks.StructBlock", [[("embed", 26), ("title", 27)]], {}),
                },
                verbose_name="body",
            ),
        ),
        migrations.AlterField(
            model_name="webinarsessionpage",
            name="programme",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 2),
                    ("paragraph", 3),
                    ("bullet_list", 7),
                    ("questions_note", 9),
                    ("after_broadcast", 16),
                    ("faq", 19),
                    ("technical_help", 21),
                    ("image", 25),
                    ("embed", 28),
                ],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"label": "Text", "max_length": 255}),
                    1: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("h2", "Heading 2"),
                                ("h3", "Heading 3"),
                                ("h4", "Heading 4"),
                            ],
                            "label": "Level",
                        },
                    ),
                    2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                    3: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                            ],
                            "icon": "pilcrow",
                            "label": "Rich text",
                        },
                    ),
                    4: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Introduction", "max_length": 255, "required": False},
                    ),
                    5: ("wagtail.blocks.CharBlock", (), {"label": "Item"}),
                    6: ("wagtail.blocks.ListBlock", (5,), {"label": "Items"}),
                    7: ("wagtail.blocks.StructBlock", [[("intro", 4), ("items", 6)]], {}),
                    8: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "default": "There will be time for questions during the broadcast.",
                            "label": "Text",
                            "max_length": 500,
                        },
                    ),
                    9: ("wagtail.blocks.StructBlock", [[("text", 8)]], {}),
                    10: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "After the broadcast", "label": "Heading", "max_length": 255},
                    ),
                    11: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                            ],
                            "label": "Text",
                            "required": False,
                        },
                    ),
                    12: ("wagtail.blocks.CharBlock", (), {"label": "Question"}),
                    13: (
                        "wagtail.blocks.ListBlock",
                        (12,),
                        {"default": [], "label": "Discussion questions", "required": False},
                    ),
                    14: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {"label": "Document"},
                    ),
                    15: (
                        "wagtail.blocks.ListBlock",
                        (14,),
                        {"default": [], "label": "Material to download", "required": False},
                    ),
                    16: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("heading", 10),
                                ("text", 11),
                                ("discussion_questions", 13),
                                ("documents", 15),
                            ]
                        ],
                        {},
                    ),
                    17: ("wagtail.blocks.CharBlock", (), {"label": "Question", "max_length": 255}),
                    18: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                            ],
                            "label": "Answer",
                        },
                    ),
                    19: ("wagtail.blocks.StructBlock", [[("question", 17), ("answer", 18)]], {}),
                    20: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("wagtail_webinars.TechnicalHelpFAQ",),
                        {"label": "Technical help FAQ"},
                    ),
                    21: ("wagtail.blocks.StructBlock", [[("faq", 20)]], {}),
                    22: ("wagtail.images.blocks.ImageChooserBlock", (), {"label": "Image"}),
                    23: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describe the image for people who cannot see it. Leave empty if it is decorative.",
                            "label": "Alternative text",
                            "max_length": 255,
                            "required": False,
                        },
                    ),
                    24: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Caption", "max_length": 255, "required": False},
                    ),
                    25: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 22), ("alt_text", 23), ("caption", 24)]],
                        {},
                    ),
                    26: ("wagtail.embeds.blocks.EmbedBlock", (), {"label": "Embed URL"}),
                    27: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describes the embedded content for screen reader users.",
                            "label": "Title",
                            "max_length": 255,
                        },
                    ),
                    28: ("wagtail.blocks.StructBlock", [[("embed", 26), ("title", 27)]], {}),
                },
                verbose_name="programme",
            ),
        ),
    ]

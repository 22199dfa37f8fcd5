"""Rewrite migrations that `makemigrations` wrote so they run on Wagtail 7 and 8 alike.

Django writes the page model as ``'wagtailcore.page'`` (Wagtail 7) or as
``settings.WAGTAIL_PAGE_MODEL`` (Wagtail 8), and our swappable page models as
``settings.WAGTAIL_WEBINARS_…_MODEL``. The settings only exist on sites that set them, so such a
migration crashes elsewhere (``'Settings' object has no attribute 'WAGTAIL_PAGE_MODEL'``). This
script names every one of them through ``swapper`` instead, as Wagtail's guide "Adapting reusable
apps to support custom base page models" asks. Run it after every makemigrations:

    python scripts/swapper_migrations.py wagtail_webinars/migrations/00*.py
"""

import re
import sys

OURS = {
    "WAGTAIL_WEBINARS_WEBINARSERIESPAGE_MODEL": "WebinarSeriesPage",
    "WAGTAIL_WEBINARS_WEBINARSESSIONPAGE_MODEL": "WebinarSessionPage",
    "WAGTAIL_WEBINARS_WEBINARLISTINGPAGE_MODEL": "WebinarListingPage",
}
PAGE = 'swapper.get_model_name("wagtailcore", "Page")'


def rewrite(text: str) -> str:
    text = text.replace(
        "migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL)",
        'swapper.dependency("wagtailcore", "Page")',
    )
    for setting, model in OURS.items():
        text = text.replace(
            f"migrations.swappable_dependency(settings.{setting})",
            f'swapper.dependency("wagtail_webinars", "{model}")',
        )
        text = text.replace(
            f"settings.{setting}", f'swapper.get_model_name("wagtail_webinars", "{model}")'
        )
    text = text.replace("settings.WAGTAIL_PAGE_MODEL", PAGE)
    text = re.sub(r"""to=['"]wagtailcore\.page['"]""", f"to={PAGE}", text)
    # Our concrete pages subclass wagtail.models.Page itself, whatever the base page model: their
    # parent link and bases stay on wagtailcore.Page. (A site with its own base page model swaps
    # them out, so that state is never built into tables; it must still match the classes, or
    # makemigrations on such a site writes a migration into this package.)
    text = "\n".join(
        line.replace(f"to={PAGE}", "to='wagtailcore.page'") if "parent_link=True" in line else line
        for line in text.split("\n")
    )
    text = text.replace(f"bases=({PAGE}", "bases=('wagtailcore.page'")
    # Django writes no dependency for a relation inside the app, but a swapped-in page type lives
    # in the site's app, whose first migration must run before the relation is made.
    for model in OURS.values():
        name = f'swapper.get_model_name("wagtail_webinars", "{model}")'
        dependency = f'swapper.dependency("wagtail_webinars", "{model}")'
        if name in text and dependency not in text:
            text = text.replace(
                "    dependencies = [\n", f"    dependencies = [\n        {dependency},\n", 1
            )
    if "swapper." in text and "import swapper" not in text:
        text = text.replace(
            "from django.db import migrations",
            "import swapper\nfrom django.db import migrations",
            1,
        )
    if "swapper." in text and "set_app_prefix" not in text:
        text = text.replace(
            "\n\nclass Migration(",
            '\n\nswapper.set_app_prefix("wagtailcore", "wagtail")\n\n\nclass Migration(',
            1,
        )
    if "settings." not in text.split("class Migration(", 1)[1]:
        text = text.replace("from django.conf import settings\n", "")
    return text


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            original = f.read()
        updated = rewrite(original)
        if updated != original:
            with open(path, "w", encoding="utf-8") as f:
                f.write(updated)
            sys.stdout.write(f"rewrote {path}\n")

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("wagtail_webinars", "0001_initial")]

    operations = []

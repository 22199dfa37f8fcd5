import django.db.models.deletion
import django.utils.timezone
import swapper
from django.db import migrations, models


swapper.set_app_prefix("wagtailcore", "wagtail")


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_webinars', '0002_registrations'),
        ('wagtailcore', '0094_alter_page_locale'),
    ]

    operations = [
        migrations.CreateModel(
            name='FeedbackPageSetting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled', models.BooleanField(default=True, verbose_name='ask visitors for feedback on this page')),
                ('page', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=swapper.get_model_name("wagtailcore", "Page"), verbose_name='page')),
            ],
            options={
                'verbose_name': 'feedback setting of a page',
                'verbose_name_plural': 'feedback settings of pages',
            },
        ),
        migrations.CreateModel(
            name='Feedback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(blank=True, max_length=2048, verbose_name='path')),
                ('query_string', models.CharField(blank=True, max_length=2048, verbose_name='query string')),
                ('page_published_at', models.DateTimeField(blank=True, help_text='When the page had last been published when the answer was given.', null=True, verbose_name='page last published')),
                ('helpful', models.BooleanField(verbose_name='helpful')),
                ('comment', models.TextField(blank=True, max_length=1250, verbose_name='comment')),
                ('language', models.CharField(blank=True, max_length=20, verbose_name='language')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='answered at')),
                ('page', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=swapper.get_model_name("wagtailcore", "Page"), verbose_name='page')),
                ('site', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.site', verbose_name='site')),
            ],
            options={
                'verbose_name': 'feedback answer',
                'verbose_name_plural': 'feedback answers',
                'ordering': ['-created_at'],
                'abstract': False,
                'indexes': [models.Index(fields=['page', 'created_at'], name='ww_feedback_page_created')],
            },
        ),
    ]

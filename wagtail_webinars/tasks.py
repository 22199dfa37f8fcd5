"""Background work of wagtail_webinars, as tasks of Django's tasks framework.

``django.tasks`` on Django 6, the ``django_tasks`` backport before it. The host picks the
backend in its ``TASKS`` setting; whatever it picks, ``webinars_send_pending_mail`` sends what a
worker has not (see docs/email.md).
"""

from __future__ import annotations

try:  # Django 6.0+
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task


@task
def send_registration_email(email_id: int) -> str:
    """Send one queued registration e-mail; returns its state afterwards ("sent", "pending", …)."""
    from .emails import send_queued_email

    return send_queued_email(email_id)

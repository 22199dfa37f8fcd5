"""WSGI entry point that gunicorn serves during the feedback benchmark."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.feedback_settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

"""WSGI entry point (gunicorn pim.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
application = get_wsgi_application()

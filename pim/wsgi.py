"""WSGI entry point (gunicorn pim.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
application = get_wsgi_application()


def _warm_web_index():
    """With PIM_WARM_WEB_INDEX=1 the web pages' index is built at start: in
    the gunicorn master with --preload, so workers (and the ones
    --max-requests replaces) fork warm instead of each parsing every
    published document on its first listing."""
    from django.conf import settings
    from django.db import connections

    if not settings.PIM_WARM_WEB_INDEX:
        return
    from publishing.web import pages

    try:
        pages.warm()
    finally:
        connections.close_all()  # a forked worker must not share the master's connection


_warm_web_index()

"""The demo catalog loaded once per test module inside a transaction that is
rolled back afterwards, so the tests share one load and leave nothing behind."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The default demo catalog (about 60 products); yields the command output."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, TASKS=IMMEDIATE_TASKS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from io import StringIO

            out = StringIO()
            call_command("load_demo_catalog", stdout=out)
            yield {"output": out.getvalue(), "media": media}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


@pytest.fixture
def demo_db(demo, db, settings):
    """A test inside the loaded demo catalog (its media folder in use)."""
    settings.MEDIA_ROOT = demo["media"]
    return demo

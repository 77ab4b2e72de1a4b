"""Shared fixtures. Jobs run inline in unit tests unless a test starts a worker.

Media never goes into the configured media folder (the project's ./media by
default): each test gets a temporary MEDIA_ROOT, which subprocesses it starts
(workers, servers, commands) inherit as PIM_MEDIA_ROOT; code that runs outside
a test (module fixtures) writes into a temporary folder of the session; and
the session fails if the configured folder gained files all the same.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

os.environ.setdefault("PIM_TASKS_BACKEND", "immediate")


def _files(folder):
    return {path for path in folder.rglob("*") if path.is_file()} if folder.is_dir() else set()


@pytest.fixture(scope="session", autouse=True)
def _media_stays_out_of_the_configured_folder(tmp_path_factory):
    configured = Path(django_settings.MEDIA_ROOT)
    before = _files(configured)
    folder = tmp_path_factory.mktemp("session-media")
    previous = os.environ.get("PIM_MEDIA_ROOT")
    os.environ["PIM_MEDIA_ROOT"] = str(folder)
    try:
        with override_settings(MEDIA_ROOT=folder):
            yield
    finally:
        if previous is None:
            os.environ.pop("PIM_MEDIA_ROOT", None)
        else:
            os.environ["PIM_MEDIA_ROOT"] = previous
    added = sorted(str(path.relative_to(configured)) for path in _files(configured) - before)
    if added:
        pytest.fail(f"The test run wrote into the media folder {configured}: {', '.join(added[:10])}"
                    f"{' …' if len(added) > 10 else ''}. Tests and the processes they start must use the "
                    "temporary MEDIA_ROOT / PIM_MEDIA_ROOT of the test.", pytrace=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("PIM_MEDIA_ROOT", str(settings.MEDIA_ROOT))
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts and ends with empty caches: parler keeps translations
    in Django's cache by primary key, and SQLite reuses the keys of rows a
    rolled-back test created, so a later test would read another's texts."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    """Settings were read before this module set PIM_TASKS_BACKEND; force inline jobs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

"""Shared fixtures. Jobs run inline in unit tests unless a test starts a worker."""

import os

import pytest

os.environ.setdefault("PIM_TASKS_BACKEND", "immediate")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
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

"""Fixtures of the publishing tests."""

from contextlib import contextmanager

import pytest
from django.db import connection


def run_commit_callbacks():
    """Run every on-commit callback the test transaction has collected, as a
    real commit would (callbacks may register further ones)."""
    while connection.run_on_commit:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _sids, func, _robust in pending:
            func()


@pytest.fixture
def committed():
    """``with committed():`` — at the end of the block, run the on-commit work
    (stamping, refreshes after edits) of everything done so far."""

    @contextmanager
    def block():
        yield
        run_commit_callbacks()

    return block


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    """Jobs run inline (pytest-django reads settings before tests/conftest.py
    can choose the immediate backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

"""Fixtures of the publishing tests."""

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs on-commit work (stamping, refreshes) at the
    end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)

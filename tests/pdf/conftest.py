"""Fixtures of the PDF tests: a small published catalog with images and stock."""

import pytest

from tests.pdf.builders import build_catalog


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def catalog(db):
    return build_catalog(6)

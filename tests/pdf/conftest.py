"""Fixtures of the PDF tests: a small published catalog with images and stock."""

import pytest

from tests.pdf.builders import build_catalog
from tests.pdf.offline import refusing_network


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def catalog(db):
    return build_catalog(6)


@pytest.fixture
def no_network():
    """Any attempt to open a socket or a URL fails the test, at teardown:
    WeasyPrint swallows the exception raised at the attempt itself."""
    with refusing_network() as attempts:
        yield attempts
    assert attempts == [], f"network access attempted: {attempts!r}"

"""Fixtures of the PDF tests: a small published catalog with images and stock."""

import socket
import urllib.request
from unittest import mock

import pytest

from tests.pdf.builders import build_catalog


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def catalog(db):
    return build_catalog(6)


@pytest.fixture
def no_network():
    """Any attempt to open a socket or a URL fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    with mock.patch.object(socket.socket, "connect", refuse), \
            mock.patch.object(socket, "create_connection", refuse), \
            mock.patch.object(socket, "getaddrinfo", refuse), \
            mock.patch.object(urllib.request.OpenerDirector, "open", refuse):
        yield

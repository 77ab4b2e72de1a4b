"""Running a render with the network refused, recording every attempt.

WeasyPrint's fetch wrapper turns whatever a fetcher raises into a logged
warning and renders on, so an exception raised at the socket cannot fail a
test by itself: the attempts are kept in a list that the caller checks.
"""

import socket
import urllib.request
from contextlib import contextmanager
from unittest import mock


@contextmanager
def refusing_network():
    """Every socket connection, name lookup or urllib open raises and is recorded; yields the list."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    with mock.patch.object(socket.socket, "connect", refuse), \
            mock.patch.object(socket.socket, "connect_ex", refuse), \
            mock.patch.object(socket, "create_connection", refuse), \
            mock.patch.object(socket, "getaddrinfo", refuse), \
            mock.patch.object(urllib.request.OpenerDirector, "open", refuse):
        yield attempts

"""Threads with their own database connection, for the concurrency tests
(PostgreSQL: each thread is a separate session)."""

import threading

from django.db import connections


def start_in_thread(target, errors):
    """Start ``target`` in a thread; an exception it raises is appended to
    ``errors`` (the test asserts it empty), and the thread's connections are
    closed when it ends so the test database can be dropped."""

    def run():
        try:
            target()
        except Exception as exc:  # pragma: no cover - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread

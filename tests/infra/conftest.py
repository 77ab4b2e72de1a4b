"""Fixtures for the infrastructure tests: a database that a real worker
process can reach, and a helper that starts ``manage.py db_worker``."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django_tasks.backends.base import BaseTaskBackend
from django.conf import settings as django_settings
from django.db import connections

REPO = Path(django_settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    """Run jobs inline here whatever PIM_TASKS_BACKEND the settings read
    (pytest-django imports settings before tests/conftest.py sets it)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _server_url(db):
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def shared_database(transactional_db, settings, tmp_path):
    """Committed data in a database a subprocess can open; returns its URL.

    On PostgreSQL (and a file-based SQLite test database) that is the test
    database itself. The default SQLite test database lives in memory, so it
    is copied to a file and this process is pointed at the copy for the test.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    original = connections["default"]
    db = original.settings_dict
    if original.vendor != "sqlite":
        yield _server_url(db)
        return
    if not original.is_in_memory_db():
        yield f"sqlite:///{db['NAME']}"
        return
    path = tmp_path / "worker.sqlite3"
    original.ensure_connection()
    target = sqlite3.connect(path)
    original.connection.backup(target)
    target.close()
    copy = original.__class__({**db, "NAME": str(path)}, "default")
    connections["default"] = copy
    try:
        yield f"sqlite:///{path}"
    finally:
        copy.close()
        connections["default"] = original


class Worker:
    """A ``manage.py db_worker`` subprocess against the shared database."""

    def __init__(self, database_url, log_path):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PIM_TASKS_BACKEND": "db",
            "PIM_SECRET_KEY": "worker-test-key",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("PIM_TEST_SQLITE_NAME", None)
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.1", "--queue-name", "*"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    @property
    def pid(self):
        return self.process.pid

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def output(self):
        return Path(self.log_path).read_text(errors="replace")


@pytest.fixture
def start_worker(shared_database, tmp_path):
    workers = []

    def start():
        worker = Worker(shared_database, tmp_path / f"worker{len(workers)}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_for(predicate, timeout=60, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class RecordingBackend(BaseTaskBackend):
    """A stand-in for a queue outside the database (Redis): records what it is
    given instead of running it."""

    enqueued = []

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        RecordingBackend.enqueued.append((task.module_path, tuple(args)))
        return SimpleNamespace(id=f"recorded-{len(RecordingBackend.enqueued)}")

"""Fixtures of the hardening tests: a real Redis server and RQ worker processes.

CI (``.ci/run``) starts one redis-server and passes its URL in
``PIM_TEST_REDIS_URL``; without it the tests start a redis-server of their
own (Debian's ``redis-server``, installed by ``make test``) on a free port.
Each pytest-xdist process uses its own Redis database number, and each test
starts from an empty one.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings

from tests.infra.conftest import shared_database, start_worker, wait_for  # noqa: F401  (fixtures reused)

REPO = Path(django_settings.BASE_DIR)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_ping(url, timeout=10.0):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return client
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """Base URL (without a database number) of a running Redis server."""
    url = os.environ.get("PIM_TEST_REDIS_URL")
    if url:
        yield url.rstrip("/").rsplit("/", 1)[0] if url.count("/") > 2 else url.rstrip("/")
        return
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: `make test` installs it (Debian package redis-server)"
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}"
    try:
        _redis_ping(url + "/0")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url(redis_server, worker_id):
    """An empty Redis database for this test (one number per xdist process)."""
    number = 1 + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
    url = f"{redis_server}/{number}"
    client = _redis_ping(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def rq_backend(shared_database, redis_url, settings):
    """This process enqueues into Redis: jobs started here go to RQ workers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": -1}}
    settings.REDIS_URL = redis_url
    return SimpleNamespace(database=shared_database, redis=redis_url)


def _descendants(pid):
    """Process ids below ``pid`` (Linux /proc), children first."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


class RQWorker:
    """``manage.py rqworker`` in a process group of its own, so that a kill
    takes its work-horse child down with it, as a lost host would."""

    def __init__(self, database_url, redis_url, log_path):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PIM_TASKS_BACKEND": "rq",
            "PIM_SECRET_KEY": "worker-test-key",
            # Retries come back after a second, not ten.
            "PIM_JOB_RETRY_DELAY_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("PIM_TEST_SQLITE_NAME", None)
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job",
             "--with-scheduler"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def pid(self):
        return self.process.pid

    def kill(self):
        """SIGKILL the worker and its work horse at once: nothing is cleaned up.

        RQ's work horse puts itself in a process group of its own
        (``os.setpgrp``), so it is found by parentage before anything dies."""
        for pid in [*_descendants(self.process.pid), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
            except ProcessLookupError:
                pass
        self._log.close()

    def output(self):
        return Path(self.log_path).read_text(errors="replace")


@pytest.fixture
def start_rq_worker(rq_backend, tmp_path):
    workers = []

    def start():
        worker = RQWorker(rq_backend.database, rq_backend.redis, tmp_path / f"rqworker{len(workers)}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()

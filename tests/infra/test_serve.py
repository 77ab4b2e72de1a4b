"""``manage.py serve`` runs the site, a worker and the scheduler, and stops them all."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from publishing.jobs import start_job
from publishing.models import Job

from .conftest import REPO, wait_for


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose (its parent reaps it on exit).
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_serve_runs_site_worker_and_scheduler_and_stops_them_on_sigterm(shared_database, tmp_path, django_user_model):
    django_user_model.objects.create_superuser("chief", password="a-long-random-password")
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "DATABASE_URL": shared_database, "PIM_TASKS_BACKEND": "db", "PIM_DEBUG": "1",
           "PIM_SECRET_KEY": "serve-test-key", "PYTHONUNBUFFERED": "1"}
    env.pop("PIM_BASE_URL", None)
    with open(log_path, "wb") as log:
        serve = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)],
                                 cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def banner():
            text = log_path.read_text()
            return text if "Press Ctrl+C" in text else None

        output = wait_for(banner, timeout=60, message="the serve banner")
        assert f"http://127.0.0.1:{port}/admin/" in output
        assert f"http://127.0.0.1:{port}/api/docs/" in output
        assert "changepassword chief" in output
        pids = {name: int(pid) for name, pid in re.findall(r"^\s+(worker|scheduler)\s+pid (\d+)", output, re.M)}
        assert set(pids) == {"worker", "scheduler"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=10) as response:
            assert response.status == 200

        job = start_job("selftest", {"steps": 2, "delay": 0.1})
        wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED, timeout=60,
                 message=f"the job to run in serve's worker:\n{log_path.read_text()}")

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
        for name, pid in pids.items():
            assert not _alive(pid), f"{name} still running"
        assert "Stopped." in log_path.read_text()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_serve_starts_the_worker_of_its_task_backend():
    from pim.management.commands.serve import process_plan

    def names(plan):
        return {name: argv[2:] for name, argv in plan}

    db = names(process_plan("127.0.0.1", 8000, "db"))
    assert db["worker"] == ["db_worker", "--no-reload"] and db["web"] == ["runserver", "127.0.0.1:8000", "--noreload"]
    rq = names(process_plan("::", 8000, "rq"))
    assert rq["worker"][:2] == ["rqworker", "default"] and "django_tasks_rq.Job" in rq["worker"]
    assert rq["web"] == ["runserver", "[::]:8000", "--noreload", "--ipv6"]
    assert set(names(process_plan("127.0.0.1", 8000, "rq", worker=False, scheduler=False))) == {"web"}

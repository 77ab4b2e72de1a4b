"""A real ``manage.py db_worker`` process runs jobs; a SIGKILLed one is recovered."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from publishing.jobs import recover_stale_jobs, start_job
from publishing.models import Job

from .conftest import wait_for


def _job(pk):
    return Job.objects.get(pk=pk)


@pytest.mark.slow
def test_worker_process_runs_a_job_and_reports_progress(start_worker):
    job = start_job("selftest", {"steps": 4, "delay": 0.3})
    assert job.status == Job.Status.QUEUED  # nothing runs in this process
    assert DBTaskResult.objects.filter(pk=job.task_id).exists()
    worker = start_worker()
    seen = set()

    def finished():
        current = _job(job.pk)
        seen.add(current.progress)
        return current.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) and current

    done = wait_for(finished, timeout=60, message=f"job to finish; worker said:\n{worker.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    assert done.attempts == 1
    assert seen & {25, 50, 75}, f"no intermediate progress seen, only {sorted(seen)}"
    assert "4/4 step 4" in done.log


@pytest.mark.slow
def test_killed_worker_leaves_a_running_job_that_recovery_requeues(start_worker):
    job = start_job("selftest", {"steps": 25, "delay": 0.2}, max_attempts=2)
    first = start_worker()
    wait_for(lambda: _job(job.pk).progress >= 10, timeout=60,
             message=f"the job to make progress; worker said:\n{first.output()}")
    first.kill()  # SIGKILL: no handler runs, nothing is cleaned up

    orphan = _job(job.pk)
    assert orphan.status == Job.Status.RUNNING
    assert 10 <= orphan.progress < 100
    # Within the stale threshold nothing is touched...
    assert recover_stale_jobs() == {"requeued": [], "failed": []}
    # ...once the heartbeat is older than it, the job goes back to the queue.
    later = timezone.now() + timedelta(minutes=10)
    assert recover_stale_jobs(now=later) == {"requeued": [job.pk], "failed": []}
    requeued = _job(job.pk)
    assert requeued.status == Job.Status.QUEUED
    assert requeued.task_id != orphan.task_id
    assert DBTaskResult.objects.get(pk=orphan.task_id).status == "FAILED"

    second = start_worker()
    done = wait_for(
        lambda: (current := _job(job.pk)).status in (Job.Status.SUCCEEDED, Job.Status.FAILED) and current,
        timeout=60, message=f"the requeued job to finish; worker said:\n{second.output()}",
    )
    assert done.status == Job.Status.SUCCEEDED, done.log
    assert done.attempts == 2
    assert "The worker stopped responding" in done.log


@pytest.mark.slow
def test_killed_worker_on_the_last_attempt_fails_the_job(start_worker):
    job = start_job("selftest", {"steps": 50, "delay": 0.2}, max_attempts=1)
    worker = start_worker()
    wait_for(lambda: _job(job.pk).progress > 0, timeout=60,
             message=f"the job to make progress; worker said:\n{worker.output()}")
    worker.kill()
    assert _job(job.pk).status == Job.Status.RUNNING
    assert recover_stale_jobs(now=timezone.now() + timedelta(minutes=10)) == {"requeued": [], "failed": [job.pk]}
    failed = _job(job.pk)
    assert failed.status == Job.Status.FAILED
    assert "The worker stopped responding" in failed.error

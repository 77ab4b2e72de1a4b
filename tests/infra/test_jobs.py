"""The job runner: progress seen while running, failures, retries, recovery."""

import queue
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from publishing.jobs import JobFailed, UnknownJobKind, job_kind, recover_stale_jobs, retry_job, start_job
from publishing.models import Job

_gates = {}


class Gate:
    def __init__(self):
        self.reached = queue.Queue()
        self.proceed = queue.Queue()


@job_kind("infra_gated")
def gated(ctx, key, steps=4):
    gate = _gates[key]
    for step in range(1, steps + 1):
        ctx.progress(step, steps, f"step {step}")
        gate.reached.put(step)
        gate.proceed.get(timeout=30)


_calls = {}


@job_kind("infra_flaky")
def flaky(ctx, key, failures):
    _calls[key] = _calls.get(key, 0) + 1
    if _calls[key] <= failures:
        raise ValueError(f"boom {_calls[key]}")
    ctx.log("made it")


@job_kind("infra_permanent")
def permanent(ctx):
    raise JobFailed("no such thing")


@job_kind("infra_ok")
def ok(ctx):
    ctx.progress(1, 1)


@job_kind("infra_summary")
def summary(ctx, channel):
    return {"channel": channel, "published": 3, "refusals": {"SKU-Ő": ["name[fi]"]}}


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_another_connection_while_running():
    gate = _gates["progress"] = Gate()
    outcome = {}

    def run():
        try:
            outcome["job"] = start_job("infra_gated", {"key": "progress", "steps": 4})
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    seen = []
    try:
        for _step in range(4):
            gate.reached.get(timeout=30)
            job = Job.objects.get(kind="infra_gated")  # this thread's own connection
            seen.append((job.status, job.progress))
            gate.proceed.put(True)
    finally:
        thread.join(timeout=30)
    assert seen == [
        (Job.Status.RUNNING, 25), (Job.Status.RUNNING, 50),
        (Job.Status.RUNNING, 75), (Job.Status.RUNNING, 100),
    ]
    job = outcome["job"]
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress == 100
    assert job.heartbeat_at is not None and job.finished_at is not None
    assert "2/4 step 2" in job.log


@pytest.mark.django_db
def test_failure_is_recorded_with_traceback_and_retried_up_to_max_attempts():
    job = start_job("infra_flaky", {"key": "always", "failures": 99}, max_attempts=3)
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3
    assert job.error == "ValueError: boom 3"
    assert job.log.count("Traceback (most recent call last)") == 3
    assert 'raise ValueError(f"boom {_calls[key]}")' in job.log
    assert "Attempt 1 of 3 failed, will retry." in job.log
    assert "Attempt 3 of 3 failed." in job.log
    assert job.finished_at is not None


@pytest.mark.django_db
def test_retry_succeeds_after_a_transient_failure():
    job = start_job("infra_flaky", {"key": "once", "failures": 1}, max_attempts=3)
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2
    assert job.error == ""
    assert "boom 1" in job.log and "made it" in job.log


@pytest.mark.django_db
def test_permanent_failure_is_not_retried():
    job = start_job("infra_permanent", max_attempts=3)
    assert job.status == Job.Status.FAILED
    assert job.attempts == 1
    assert job.error == "JobFailed: no such thing"


@pytest.mark.django_db
def test_unknown_kind_is_refused_before_anything_is_queued():
    with pytest.raises(UnknownJobKind):
        start_job("no_such_kind")
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_retry_job_requeues_a_failed_job(admin_user):
    job = start_job("infra_flaky", {"key": "retry-later", "failures": 1}, max_attempts=1)
    assert job.status == Job.Status.FAILED
    assert retry_job(job, user=admin_user)
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 1
    assert "Retry requested by admin" in job.log
    assert not retry_job(job)  # only failed jobs


def _running_job(heartbeat_age, attempts=1, max_attempts=3, kind="infra_ok"):
    now = timezone.now()
    return Job.objects.create(
        kind=kind, status=Job.Status.RUNNING, attempts=attempts, max_attempts=max_attempts,
        started_at=now - heartbeat_age, heartbeat_at=now - heartbeat_age,
    )


@pytest.mark.django_db
def test_recover_stale_jobs_requeues_while_attempts_remain(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    stale = _running_job(timedelta(minutes=10))
    fresh = _running_job(timedelta(seconds=5))
    outcome = recover_stale_jobs(stale_after=timedelta(minutes=2))
    assert outcome == {"requeued": [stale.pk], "failed": []}
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Job.Status.QUEUED
    assert stale.task_id  # a new task was handed to the backend
    assert "The worker stopped responding" in stale.log
    assert fresh.status == Job.Status.RUNNING


@pytest.mark.django_db
def test_recovered_job_runs_again_and_finishes():
    stale = _running_job(timedelta(minutes=10))
    recover_stale_jobs(stale_after=timedelta(minutes=2))
    stale.refresh_from_db()
    assert stale.status == Job.Status.SUCCEEDED
    assert stale.attempts == 2


@pytest.mark.django_db
def test_recover_stale_jobs_fails_a_job_without_attempts_left():
    stale = _running_job(timedelta(minutes=10), attempts=3, max_attempts=3)
    now = timezone.now()
    assert recover_stale_jobs(now=now) == {"requeued": [], "failed": [stale.pk]}
    stale.refresh_from_db()
    assert stale.status == Job.Status.FAILED
    assert "The worker stopped responding" in stale.error
    assert stale.finished_at == now
    # A fake clock far ahead makes even a fresh heartbeat stale.
    fresh = _running_job(timedelta(seconds=1), attempts=3, max_attempts=3)
    assert recover_stale_jobs(now=now + timedelta(hours=1)) == {"requeued": [], "failed": [fresh.pk]}


@pytest.mark.django_db
def test_a_returned_summary_is_kept_in_the_log():
    job = start_job("infra_summary", {"channel": "web"})
    assert job.status == Job.Status.SUCCEEDED
    assert 'Result: {"channel": "web", "published": 3, "refusals": {"SKU-Ő": ["name[fi]"]}}' in job.log


@job_kind("infra_silent")
def silent(ctx, key):
    gate = _gates[key]
    gate.reached.put("started")
    gate.proceed.get(timeout=30)  # a long step that reports nothing


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_keeps_a_silent_job_fresh(settings):
    from publishing.jobs import execute_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PIM_JOB_HEARTBEAT_SECONDS = 0.1
    gate = _gates["silent"] = Gate()
    job = start_job("infra_silent", {"key": "silent"})
    assert job.status == Job.Status.QUEUED

    def run():
        try:
            execute_job(job.pk, heartbeat=True)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        gate.reached.get(timeout=30)
        first = Job.objects.get(pk=job.pk).heartbeat_at
        deadline = timezone.now() + timedelta(seconds=10)
        while Job.objects.get(pk=job.pk).heartbeat_at == first and timezone.now() < deadline:
            threading.Event().wait(0.05)
        assert Job.objects.get(pk=job.pk).heartbeat_at > first
        assert recover_stale_jobs(stale_after=timedelta(seconds=5)) == {"requeued": [], "failed": []}
    finally:
        gate.proceed.put(True)
        thread.join(timeout=30)
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_retry_on_the_database_backend_waits_before_running_again(settings):
    from django_tasks_db.models import DBTaskResult

    from publishing.jobs import execute_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PIM_JOB_RETRY_DELAY_SECONDS = 10
    job = start_job("infra_flaky", {"key": "delayed", "failures": 5}, max_attempts=3)
    first_task = job.task_id
    before = timezone.now()
    with pytest.raises(ValueError):
        execute_job(job.pk, heartbeat=False)  # what the worker does with the task
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert job.task_id and job.task_id != first_task
    retry = DBTaskResult.objects.get(pk=job.task_id)
    assert before + timedelta(seconds=9) < retry.run_after < timezone.now() + timedelta(seconds=11)
    with pytest.raises(ValueError):
        execute_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    second_retry = DBTaskResult.objects.get(pk=job.task_id)
    assert second_retry.run_after > timezone.now() + timedelta(seconds=18)  # doubled


@pytest.mark.django_db
def test_a_duplicate_task_does_not_run_a_job_twice():
    from publishing.jobs import execute_job

    job = start_job("infra_ok")
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1
    assert execute_job(job.pk) is None
    assert execute_job(10**9) is None  # deleted meanwhile
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_queue_outside_the_database_gets_the_job_only_after_commit(settings, django_capture_on_commit_callbacks):
    from .conftest import RecordingBackend

    settings.TASKS = {"default": {"BACKEND": "tests.infra.conftest.RecordingBackend"}}
    RecordingBackend.enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start_job("infra_ok")
        assert RecordingBackend.enqueued == []  # the job row is not committed yet
    assert len(callbacks) == 1
    assert RecordingBackend.enqueued == [("publishing.tasks.run_job", (job.pk,))]
    job.refresh_from_db()
    assert job.task_id


@pytest.mark.django_db
def test_a_queued_job_whose_task_was_taken_by_a_dead_worker_gets_a_new_task(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = timezone.now() - timedelta(minutes=10)
    orphan = start_job("infra_ok")
    DBTaskResult.objects.filter(pk=orphan.task_id).update(status="RUNNING")  # claimed, then the worker died
    waiting = start_job("infra_ok")  # its task is ready: simply no worker yet
    fresh = start_job("infra_ok")
    DBTaskResult.objects.filter(pk=fresh.task_id).update(status="RUNNING")  # being claimed right now
    Job.objects.filter(pk__in=[orphan.pk, waiting.pk]).update(created_at=old)

    assert recover_stale_jobs() == {"requeued": [orphan.pk], "failed": []}
    orphan_task = Job.objects.get(pk=orphan.pk).task_id
    assert orphan_task != orphan.task_id
    assert DBTaskResult.objects.get(pk=orphan_task).status == "READY"
    assert Job.objects.get(pk=waiting.pk).task_id == waiting.task_id
    assert Job.objects.get(pk=fresh.pk).task_id == fresh.task_id
    assert "The queued task was lost" in Job.objects.get(pk=orphan.pk).log


@pytest.mark.django_db
def test_orphan_check_tolerates_task_ids_of_another_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = Job.objects.create(kind="infra_ok", task_id="not-a-uuid")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert recover_stale_jobs() == {"requeued": [job.pk], "failed": []}


@pytest.mark.django_db(transaction=True)
def test_progress_from_inside_the_kinds_own_transaction_is_seen_and_keeps_the_job_alive():
    """A kind that runs in one transaction (an import) reports progress that
    another connection sees at once, and that counts as a heartbeat."""
    from django.db import transaction

    from publishing.jobs import JobContext, live_progress

    long_ago = timezone.now() - timedelta(minutes=10)
    job = Job.objects.create(kind="infra_ok", status=Job.Status.RUNNING, attempts=1, started_at=long_ago,
                             heartbeat_at=long_ago)
    context = JobContext(job)
    seen = []

    def look():
        try:
            seen.append(live_progress(Job.objects.get(pk=job.pk)))
            seen.append(recover_stale_jobs())
        finally:
            connection.close()

    with transaction.atomic():
        context.progress(2, 5)
        poll = threading.Thread(target=look)
        poll.start()
        poll.join()
    assert seen == [40, {"requeued": [], "failed": []}]
    # a later attempt does not inherit the figure
    Job.objects.filter(pk=job.pk).update(attempts=2, progress=0)
    assert live_progress(Job.objects.get(pk=job.pk)) == 0

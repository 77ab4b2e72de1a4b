"""django-tasks task functions: thin entry points into publishing.jobs."""

from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend


@task(takes_context=True)
def run_job(context, job_id):
    """Run one attempt of the Job ``job_id`` (progress, log and retries are
    kept on the Job record by publishing.jobs)."""
    from publishing.jobs import execute_job

    backend = task_backends[context.task_result.backend]
    # Inline runs (unit tests, PIM_TASKS_BACKEND=immediate) have no worker that
    # could die separately, so they need no heartbeat thread.
    return execute_job(job_id, heartbeat=not isinstance(backend, ImmediateBackend))

"""Job runner on top of django-tasks: progress, log, artifacts, retries and recovery.

django-tasks moves work to a worker; it has no progress, no retries and no
recovery of work left behind by a killed worker. ``publishing.models.Job`` is
the record users see, and this module keeps it true:

- ``start_job(kind, params)`` creates the record and enqueues
  ``publishing.tasks.run_job(job_id)``;
- a job kind is a plain function ``fn(ctx, **params)`` registered with
  ``@job_kind("name")``; ``ctx`` is a :class:`JobContext`;
- progress, log lines and heartbeats are written with single autocommitted
  UPDATEs, so the admin (another process) sees intermediate values. A kind
  should work in batches, each its own ``transaction.atomic()``, and report
  progress between them. One that must stay in one transaction (an atomic
  import) may report progress inside it: the figure is written around the
  transaction (see ``_progress_outside_transaction``) and read back by
  ``live_progress``;
- a failure is logged with its traceback and retried up to ``max_attempts``;
- ``recover_stale_jobs()`` (run by the scheduler) re-queues or fails jobs
  whose worker stopped sending heartbeats (killed, out of memory, host lost).
"""

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
import traceback
import uuid
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from publishing.models import Artifact, Job

logger = logging.getLogger("pim.jobs")

_KINDS = {}
_kinds_loaded = False
_load_lock = threading.Lock()


class UnknownJobKind(ValueError):
    """No job kind is registered under that name."""


class JobFailed(Exception):
    """A failure that retrying cannot fix (bad parameters, missing object):
    the job fails at once instead of using its remaining attempts."""


def _setting(name, default):
    return getattr(settings, name, default)


def heartbeat_seconds():
    return float(_setting("PIM_JOB_HEARTBEAT_SECONDS", 15))


def stale_after_seconds():
    return float(_setting("PIM_JOB_STALE_SECONDS", 120))


def retry_delay_seconds():
    return float(_setting("PIM_JOB_RETRY_DELAY_SECONDS", 10))


def default_max_attempts():
    return int(_setting("PIM_JOB_MAX_ATTEMPTS", 3))


# --- registry -----------------------------------------------------------------


def job_kind(name):
    """Register ``fn(ctx, **params)`` as the job kind ``name``."""

    def register(fn):
        existing = _KINDS.get(name)
        if existing is not None and _qualname(existing) != _qualname(fn):
            raise ValueError(f"Job kind {name!r} is already registered by {_qualname(existing)}")
        _KINDS[name] = fn
        return fn

    return register


def _qualname(fn):
    return f"{fn.__module__}.{fn.__qualname__}"


def load_job_kinds():
    """Import every ``job_kinds`` module: in each app and in each app's
    sub-packages (``publishing/pdf/job_kinds.py``), so that the worker knows
    every kind without a central list to keep in step. A module that fails to
    import is logged and skipped: its kinds are unknown, the others work."""
    global _kinds_loaded
    if _kinds_loaded:
        return
    with _load_lock:
        if _kinds_loaded:
            return
        for app_config in apps.get_app_configs():
            root = Path(app_config.path)
            modules = [app_config.name] if (root / "job_kinds.py").is_file() else []
            modules += [
                f"{app_config.name}.{candidate.parent.name}"
                for candidate in sorted(root.glob("*/job_kinds.py"))
                if (candidate.parent / "__init__.py").is_file()
            ]
            for package in modules:
                try:
                    import_module(f"{package}.job_kinds")
                except Exception:
                    logger.exception("job kinds of %s could not be loaded", package)
        _kinds_loaded = True


def registered_kinds():
    load_job_kinds()
    return sorted(_KINDS)


def get_job_kind(name):
    load_job_kinds()
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKind(_("Unknown job kind: %(kind)s") % {"kind": name}) from None


# --- starting -----------------------------------------------------------------


def start_job(kind, params=None, *, user=None, max_attempts=None):
    """Create a Job record and enqueue it; returns the Job (refreshed, so with
    the immediate backend it already carries the outcome)."""
    get_job_kind(kind)  # fail fast on a typo, before anything is queued
    job = Job.objects.create(
        kind=kind,
        params=dict(params or {}),
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        max_attempts=max_attempts or default_max_attempts(),
    )
    _append_log(job.pk, "info", _("Queued."))
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


def retry_job(job, *, user=None):
    """Queue a failed job again with a fresh set of attempts; False when the
    job is not failed (a running or queued job is left alone)."""
    who = getattr(user, "get_username", lambda: "")() or _("system")
    line = _format_line("info", _("Retry requested by %(user)s.") % {"user": who})
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, attempts=0, progress=0, error="", started_at=None,
        heartbeat_at=None, finished_at=None, log=_concat_log(line),
    )
    if not updated:
        return False
    _enqueue(job.pk)
    job.refresh_from_db()
    return True


def _enqueue(job_id, delay=None):
    """Hand the job to django-tasks. The database backend stores its task row
    in the same transaction as the job and the immediate backend runs at once,
    so both enqueue directly; any other backend (Redis) could start before the
    job row is committed, so it enqueues after commit."""
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend

    from publishing.tasks import run_job

    task = run_job
    backend = task.get_backend()
    if delay and backend.supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))

    def send():
        result = task.enqueue(job_id)
        Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])

    same_transaction = isinstance(backend, (ImmediateBackend, DummyBackend))
    if not same_transaction:
        try:
            from django_tasks_db.backend import DatabaseBackend
        except ImportError:  # pragma: no cover - the db backend is a requirement
            DatabaseBackend = ()
        same_transaction = isinstance(backend, DatabaseBackend)
    # A retry gets a new task: forget the previous id first.
    Job.objects.filter(pk=job_id).update(task_id="")
    if same_transaction:
        send()
    else:
        transaction.on_commit(send)


# --- running ------------------------------------------------------------------


class JobContext:
    """What a running job kind may do: report progress, log, attach a file."""

    # Progress writes are throttled: a 100 000-product run calls progress() per
    # product, but one UPDATE per percent (or per second) is enough to watch.
    min_write_interval = 1.0

    def __init__(self, job):
        self.job = job
        self.job_id = job.pk
        self.attempt = job.attempts
        self.params = dict(job.params)
        self._last_percent = None
        self._last_write = 0.0
        # Transactions already open when the job started (a test's, or a
        # caller's with the immediate backend) are not the kind's own.
        self._outer_depth = len(connection.atomic_blocks)

    def progress(self, done, total, message=None):
        """Record ``done`` of ``total`` (as 0-100), the heartbeat and a log line."""
        percent = 0 if not total else max(0, min(100, int(done * 100 // total)))
        now = time.monotonic()
        if (
            message is None and percent == self._last_percent
            and now - self._last_write < self.min_write_interval
        ):
            return percent
        self._last_percent, self._last_write = percent, now
        text = f"{done}/{total}" if message is None else f"{done}/{total} {message}"
        line = _format_line("info", text)
        if len(connection.atomic_blocks) > self._outer_depth:
            # Written inside, the figure would stay invisible until the commit.
            _progress_outside_transaction(self.job, percent, line)
        else:
            Job.objects.filter(pk=self.job_id).update(
                progress=percent, heartbeat_at=timezone.now(), log=_concat_log(line),
            )
        self.job.progress = percent
        return percent

    def log(self, message, level="info"):
        logger.log(getattr(logging, level.upper(), logging.INFO), "job %s: %s", self.job_id, message)
        _append_log(self.job_id, level, message, heartbeat_at=timezone.now())

    def set_artifact(self, artifact):
        Job.objects.filter(pk=self.job_id).update(artifact=artifact)
        self.job.artifact = artifact


# --- progress from inside a transaction ------------------------------------------


def _progress_outside_transaction(job, percent, line):
    """Progress of a kind that runs in one transaction. On PostgreSQL another
    connection commits it at once. SQLite has a single writer, and the open
    transaction holds its lock: the figure goes to a small file instead,
    which ``live_progress`` reads (an SQLite database is on one host, so the
    web process sees the worker's file)."""
    if connection.vendor == "sqlite":
        _write_live_file(job, percent)
        return

    def write():
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Never wait on a lock the job's own transaction may hold.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL lock_timeout = '2s'")
                Job.objects.filter(pk=job.pk).update(
                    progress=percent, heartbeat_at=timezone.now(), log=_concat_log(line),
                )
        except DatabaseError:
            logger.warning("job %s: progress not written", job.pk, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=write, name=f"job-{job.pk}-progress")
    thread.start()
    thread.join()


def _live_folder():
    """Where SQLite jobs keep progress made inside a transaction: one folder
    per database (an in-memory one lives in a single process)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.is_in_memory_db():
        name = f"{name}\x00{os.getpid()}"
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"pim-job-progress-{digest}"


def _live_path(job_id):
    return _live_folder() / f"{int(job_id)}.json"


def _write_live_file(job, percent):
    folder = _live_folder()
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = {"progress": percent, "attempt": job.attempts,
             "started_at": job.started_at.isoformat() if job.started_at else None}
    descriptor, temp_path = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w") as handle:
            json.dump(stamp, handle)
        os.replace(temp_path, _live_path(job.pk))  # readers see a whole file, never half of one
    except OSError:
        logger.warning("job %s: progress not written", job.pk, exc_info=True)
        Path(temp_path).unlink(missing_ok=True)


def _clear_live_file(job_id):
    if connection.vendor == "sqlite":
        _live_path(job_id).unlink(missing_ok=True)


def _reported_since(job_id, moment):
    """Whether the job wrote progress from inside a transaction after ``moment``."""
    if connection.vendor != "sqlite":
        return False
    try:
        written = _live_path(job_id).stat().st_mtime
    except OSError:
        return False
    return written >= moment.timestamp()


def live_progress(job):
    """A running job's progress, including what it reported from inside its
    transaction and is not committed yet (SQLite)."""
    if job.status != Job.Status.RUNNING or connection.vendor != "sqlite":
        return job.progress
    try:
        stamp = json.loads(_live_path(job.pk).read_text())
    except (OSError, ValueError):
        return job.progress
    started = job.started_at.isoformat() if job.started_at else None
    if stamp.get("attempt") != job.attempts or stamp.get("started_at") != started:
        return job.progress  # left by an earlier attempt
    return max(job.progress, int(stamp.get("progress") or 0))


class _Heartbeat(threading.Thread):
    """Touches heartbeat_at while a kind runs a long step without reporting
    progress, so only a dead worker goes stale, not a slow one."""

    def __init__(self, job_id, interval):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now(),
                    )
                except Exception:  # a locked database must not kill the beat
                    logger.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=self.interval + 5)


def execute_job(job_id, *, heartbeat=True):
    """Run one attempt of a job (called by the task in the worker). Returns the
    job's status; re-raises the kind's exception after recording it so the
    task backend also shows the attempt as failed."""
    load_job_kinds()
    job = _claim(job_id)
    if job is None:
        return None
    context = JobContext(job)
    beat = _Heartbeat(job.pk, heartbeat_seconds()) if heartbeat and heartbeat_seconds() > 0 else None
    if beat:
        beat.start()
    error = None
    retry = False
    try:
        fn = _KINDS.get(job.kind)
        if fn is None:
            raise JobFailed(_("Unknown job kind: %(kind)s") % {"kind": job.kind})
        # Outside a request no language is active: use the site default.
        with translation.override(settings.LANGUAGE_CODE):
            result = fn(context, **job.params)
    except Exception as exc:
        error = exc
        retry = _record_failure(job, exc, traceback.format_exc())
    else:
        if result is not None and not isinstance(result, Artifact):
            # A summary (counts, refusals) is kept in the log for the admin.
            context.log(_("Result: %(result)s") % {"result": json.dumps(result, default=str, ensure_ascii=False)})
        _record_success(job, result if isinstance(result, Artifact) else None)
    finally:
        if beat:
            beat.stop()
    if retry:
        _enqueue(job.pk, delay=retry_delay_seconds() * 2 ** (job.attempts - 1))
    if error is not None:
        raise error
    return Job.Status.SUCCEEDED


def _claim(job_id):
    """Mark a queued job running (one attempt more); None when it is gone or
    was already taken (a duplicate task, or recovered and run elsewhere)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            logger.info("job %s: not queued (%s), skipped", job_id, job.status if job else "missing")
            return None
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = now
        job.heartbeat_at = now
        job.finished_at = None
        job.progress = 0
        line = _format_line(
            "info", _("Attempt %(attempt)d of %(max)d started.") % {"attempt": job.attempts, "max": job.max_attempts},
        )
        Job.objects.filter(pk=job.pk).update(
            status=job.status, attempts=job.attempts, started_at=now, heartbeat_at=now,
            finished_at=None, progress=0, log=_concat_log(line),
        )
    _clear_live_file(job.pk)
    return job


def _record_success(job, artifact):
    fields = {
        "status": Job.Status.SUCCEEDED, "progress": 100, "error": "",
        "finished_at": timezone.now(), "heartbeat_at": timezone.now(),
        "log": _concat_log(_format_line("info", _("Finished."))),
    }
    if artifact is not None:
        fields["artifact"] = artifact
    # Matching on the attempt keeps a late finisher from overwriting a newer
    # attempt that recovery started elsewhere.
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(**fields)
    _clear_live_file(job.pk)


def _record_failure(job, exc, formatted_traceback):
    """Log the failure; True when the job goes back to the queue for a retry."""
    permanent = isinstance(exc, JobFailed)
    retry = not permanent and job.attempts < job.max_attempts
    summary = f"{type(exc).__name__}: {exc}"
    if retry:
        note = _("Attempt %(attempt)d of %(max)d failed, will retry.")
    else:
        note = _("Attempt %(attempt)d of %(max)d failed.")
    message = note % {"attempt": job.attempts, "max": job.max_attempts}
    line = _format_line("error", f"{message} {summary}\n{formatted_traceback.rstrip()}")
    logger.warning("job %s (%s) attempt %s failed: %s", job.pk, job.kind, job.attempts, summary)
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
        status=Job.Status.QUEUED if retry else Job.Status.FAILED,
        error=summary,
        finished_at=None if retry else timezone.now(),
        heartbeat_at=timezone.now(),
        log=_concat_log(line),
    )
    _clear_live_file(job.pk)
    return retry


# --- recovery -----------------------------------------------------------------


def jobs_waiting_for_a_worker(now=None, waited=timedelta(minutes=1)):
    """How many queued jobs have waited longer than ``waited`` since they were
    queued (or last failed): the sign that no worker is running."""
    cutoff = (now or timezone.now()) - waited
    return (
        Job.objects.filter(status=Job.Status.QUEUED)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .count()
    )



def recover_stale_jobs(now=None, stale_after=None):
    """Find running jobs whose heartbeat is older than ``stale_after`` (their
    worker died) and re-queue them while attempts remain, else fail them.
    Returns ``{"requeued": [ids], "failed": [ids]}``."""
    now = now or timezone.now()
    if stale_after is None:
        stale_after = timedelta(seconds=stale_after_seconds())
    elif not isinstance(stale_after, timedelta):
        stale_after = timedelta(seconds=stale_after)
    cutoff = now - stale_after
    stale_ids = [
        pk for pk in Job.objects.filter(status=Job.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
        .values_list("pk", flat=True)
        # Progress reported inside a transaction is a sign of life too (its
        # heartbeats wait for SQLite's write lock until the commit).
        if not _reported_since(pk, cutoff)
    ]
    outcome = {"requeued": [], "failed": []}
    for job_id in stale_ids:
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id, status=Job.Status.RUNNING).first()
            if job is None or (job.heartbeat_at and job.heartbeat_at >= cutoff):
                continue  # finished or beat again meanwhile
            last = job.heartbeat_at or job.started_at
            reason = _("The worker stopped responding (last heartbeat %(when)s).") % {
                "when": last.isoformat(timespec="seconds") if last else "-",
            }
            retry = job.attempts < job.max_attempts
            if retry:
                text = reason + " " + _("Queued again.")
            else:
                text = reason + " " + _("No attempts left.")
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.QUEUED if retry else Job.Status.FAILED,
                error="" if retry else reason,
                finished_at=None if retry else now,
                log=_concat_log(_format_line("error", text)),
            )
            _fail_task_row(job.task_id, now)
            if retry:
                _enqueue(job.pk)
        outcome["requeued" if retry else "failed"].append(job_id)
        logger.warning("job %s: stale, %s", job_id, "requeued" if retry else "failed")
    outcome["requeued"] += _requeue_orphans(cutoff)
    return outcome


def _requeue_orphans(cutoff):
    """Queued jobs whose database task can no longer run them: the worker
    took the task and died before the job was marked running. Only the
    database backend can be asked; the job gets a fresh task."""
    from django_tasks_db.backend import DatabaseBackend

    from publishing.tasks import run_job

    if not isinstance(run_job.get_backend(), DatabaseBackend):
        return []
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = list(
        Job.objects.filter(status=Job.Status.QUEUED)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", "task_id")
    )
    if not waiting:
        return []
    ready = {
        str(pk) for pk in DBTaskResult.objects.filter(
            pk__in=[task_id for _pk, task_id in waiting if _is_uuid(task_id)], status=TaskResultStatus.READY,
        ).values_list("pk", flat=True)
    }
    orphans = [pk for pk, task_id in waiting if task_id not in ready]
    for job_id in orphans:
        _append_log(job_id, "error", _("The queued task was lost; queued again."))
        _enqueue(job_id)
        logger.warning("job %s: task lost, requeued", job_id)
    return orphans


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _fail_task_row(task_id, now):
    """django-tasks-db leaves a killed worker's task RUNNING forever; close it
    too so its own admin does not mislead."""
    if not task_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now,
        )
    except Exception:  # an id from another backend is not a UUID
        logger.debug("task row %s not updated", task_id, exc_info=True)


# --- log helpers --------------------------------------------------------------


def _format_line(level, message):
    stamp = timezone.now().astimezone(timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M:%S")
    return f"{stamp} {level.upper():<7} {message}\n"


def _concat_log(line):
    return Concat(F("log"), Value(line), output_field=TextField())


def _append_log(job_id, level, message, **fields):
    Job.objects.filter(pk=job_id).update(log=_concat_log(_format_line(level, message)), **fields)

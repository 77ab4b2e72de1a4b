"""Periodic duties and the small scheduler that runs them (``manage.py run_scheduler``).

django-tasks has no periodic jobs, so one scheduler process runs beside the
worker and calls each duty every ``interval`` seconds. Duties are named by
dotted path and imported when first due, so a part that is missing or broken
is skipped with a log line while the others keep running. Last-run times live
in the scheduler's memory: after a restart every duty runs once at once,
which is harmless because every duty is idempotent.
"""

import logging
import time
from dataclasses import dataclass

from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger("pim.scheduler")


@dataclass(frozen=True)
class Duty:
    name: str
    interval: float  # seconds
    path: str  # dotted path of a function called without arguments


DUTIES = (
    Duty("publication windows", 60, "publishing.services.apply_publication_windows"),
    Duty("stamp pending sequence numbers", 30, "publishing.sequencing.stamp_pending"),
    Duty("prune tombstones", 24 * 3600, "publishing.sequencing.prune_tombstones"),
    Duty("queue webhook deliveries", 30, "publishing.feed.webhooks.enqueue_due"),
    Duty("recover stale jobs", 60, "publishing.jobs.recover_stale_jobs"),
    Duty("prune product history", 24 * 3600, "catalog.history.prune_by_settings"),
    Duty("rebuild stale exports", 60, "publishing.exports.service.rebuild_stale_exports"),
)

OK, FAILED, SKIPPED = "ok", "failed", "skipped"


class Scheduler:
    """Runs each duty when its interval has passed since its last run."""

    def __init__(self, duties=DUTIES, clock=time.monotonic, close_connections=close_old_connections):
        self.duties = tuple(duties)
        self.clock = clock
        # A long-lived process must drop broken or expired connections the
        # way Django does after each request.
        self.close_connections = close_connections
        self.last_run = {}
        self._unavailable = set()

    def due(self, now=None):
        now = self.clock() if now is None else now
        return [duty for duty in self.duties if self._next_run(duty) <= now]

    def _next_run(self, duty):
        last = self.last_run.get(duty.name)
        return float("-inf") if last is None else last + duty.interval

    def seconds_until_next(self, now=None):
        now = self.clock() if now is None else now
        if not self.duties:
            return 60.0
        return max(0.0, min(self._next_run(duty) for duty in self.duties) - now)

    def run_pending(self):
        """Run every due duty once; returns ``[(name, ok|failed|skipped)]``."""
        outcomes = []
        for duty in self.due():
            # Counted from the start, so a slow or failing duty keeps its
            # rhythm instead of being retried on every tick.
            self.last_run[duty.name] = self.clock()
            outcomes.append((duty.name, self.run_duty(duty)))
        if outcomes:
            self.close_connections()
        return outcomes

    def run_duty(self, duty):
        try:
            function = import_string(duty.path)
        except Exception as exc:  # not written yet, or broken: skip, keep the rest
            if duty.path not in self._unavailable:
                logger.warning("duty %r skipped: %s cannot be imported (%s)", duty.name, duty.path, exc)
                self._unavailable.add(duty.path)
            return SKIPPED
        if duty.path in self._unavailable:
            logger.info("duty %r: %s is available now", duty.name, duty.path)
            self._unavailable.discard(duty.path)
        started = time.monotonic()
        try:
            result = function()
        except Exception:
            logger.exception("duty %r failed", duty.name)
            self.close_connections()
            return FAILED
        elapsed = time.monotonic() - started
        if _worth_logging(result):
            logger.info("duty %r done in %.2fs: %s", duty.name, elapsed, result)
        else:
            logger.debug("duty %r done in %.2fs", duty.name, elapsed)
        return OK

    def run_forever(self, stop, max_sleep=1.0):
        """Loop until the ``stop`` event is set (a signal handler sets it)."""
        logger.info("scheduler started with %d duties", len(self.duties))
        while not stop.is_set():
            self.run_pending()
            stop.wait(min(max_sleep, self.seconds_until_next()))
        logger.info("scheduler stopped")


def _worth_logging(result):
    """A duty's result is logged when it did something (``{"failed": []}`` did not)."""
    if isinstance(result, dict):
        return any(result.values())
    return bool(result)

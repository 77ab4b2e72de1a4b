"""The scheduler runs each due duty once per interval and survives failures."""

import logging

from publishing.scheduler import DUTIES, FAILED, OK, SKIPPED, Duty, Scheduler

calls = []


def tick():
    calls.append("tick")


def slow_tick():
    calls.append("slow")


def explode():
    calls.append("explode")
    raise RuntimeError("duty broke")


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _scheduler():
    calls.clear()
    clock = FakeClock()
    duties = [
        Duty("tick", 30, "tests.infra.test_scheduler.tick"),
        Duty("slow", 60, "tests.infra.test_scheduler.slow_tick"),
        Duty("explode", 30, "tests.infra.test_scheduler.explode"),
        Duty("missing", 30, "publishing.not_written_yet.function"),
    ]
    return Scheduler(duties, clock=clock, close_connections=lambda: None), clock


def test_each_duty_runs_once_per_interval():
    scheduler, clock = _scheduler()
    scheduler.run_pending()
    assert calls == ["tick", "slow", "explode"]
    calls.clear()
    clock.now += 10
    assert scheduler.run_pending() == []
    clock.now += 20  # 30 s after start
    scheduler.run_pending()
    assert calls == ["tick", "explode"]
    calls.clear()
    clock.now += 30  # 60 s after start
    scheduler.run_pending()
    assert calls == ["tick", "slow", "explode"]
    calls.clear()
    scheduler.run_pending()  # same instant: nothing runs twice
    assert calls == []


def test_a_failing_or_missing_duty_does_not_stop_the_others(caplog):
    scheduler, clock = _scheduler()
    with caplog.at_level(logging.WARNING, logger="pim.scheduler"):
        outcomes = dict(scheduler.run_pending())
        clock.now += 30
        again = dict(scheduler.run_pending())
    assert outcomes == {"tick": OK, "slow": OK, "explode": FAILED, "missing": SKIPPED}
    assert again == {"tick": OK, "explode": FAILED, "missing": SKIPPED}
    assert "duty broke" in caplog.text
    # A missing duty is reported once, not on every tick.
    assert caplog.text.count("publishing.not_written_yet.function cannot be imported") == 1


def test_seconds_until_next_follows_the_earliest_duty():
    scheduler, clock = _scheduler()
    assert scheduler.seconds_until_next() == 0
    scheduler.run_pending()
    clock.now += 12
    assert scheduler.seconds_until_next() == 18


def test_the_project_duties_are_declared():
    by_path = {duty.path: duty.interval for duty in DUTIES}
    assert by_path == {
        "publishing.services.apply_publication_windows": 60,
        "publishing.sequencing.stamp_pending": 30,
        "publishing.sequencing.prune_tombstones": 86400,
        "publishing.feed.webhooks.enqueue_due": 30,
        "publishing.jobs.recover_stale_jobs": 60,
        "catalog.history.prune_by_settings": 86400,
        "publishing.exports.service.rebuild_stale_exports": 60,
    }


def test_run_scheduler_lists_and_runs_once(monkeypatch):
    from io import StringIO

    import pytest
    from django.core.management import call_command

    from pim.management.commands import run_scheduler

    out = StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "publishing.jobs.recover_stale_jobs" in out.getvalue()

    calls.clear()
    monkeypatch.setattr(run_scheduler, "Scheduler", lambda: _scheduler()[0])
    with pytest.raises(SystemExit) as exit_info:
        call_command("run_scheduler", "--once", stdout=StringIO(), stderr=StringIO())
    assert exit_info.value.code == 1  # the exploding duty is reported
    assert calls == ["tick", "slow", "explode"]

"""The core job kinds hand their parameters and progress to the services."""

import sys
import types

import pytest

from publishing.jobs import registered_kinds, start_job
from publishing.models import Channel, Job


@pytest.fixture
def fake_module(monkeypatch):
    """Stand-in service modules, so these tests pin the wiring only."""

    def install(name, **functions):
        module = types.ModuleType(name)
        module.__dict__.update(functions)
        monkeypatch.setitem(sys.modules, name, module)
        return module

    return install


def test_core_kinds_are_registered():
    assert {"publish_channel", "refresh_completeness", "selftest"} <= set(registered_kinds())


@pytest.mark.django_db
def test_publish_channel_passes_channel_skus_and_progress(fake_module):
    channel = Channel.objects.create(code="web", name="Web")
    seen = {}

    def publish_channel(channel, skus=None, progress=None):
        seen.update(channel=channel, skus=skus)
        for done in range(1, 5):
            progress(done, 4)
        return {"published": 4}

    fake_module("publishing.services", publish_channel=publish_channel)
    job = start_job("publish_channel", {"channel": "web", "skus": ["A-1", "B-2"]})
    assert job.status == Job.Status.SUCCEEDED, job.log
    assert seen == {"channel": channel, "skus": ["A-1", "B-2"]}
    assert "3/4" in job.log and '"published": 4' in job.log


@pytest.mark.django_db
def test_publish_channel_with_an_unknown_channel_fails_without_retrying():
    job = start_job("publish_channel", {"channel": "nope"}, max_attempts=3)
    assert job.status == Job.Status.FAILED
    assert job.attempts == 1
    assert "Unknown channel: nope" in job.error


@pytest.mark.django_db
def test_refresh_completeness_passes_parameters_and_progress(fake_module):
    seen = {}

    def refresh_completeness(progress=None, **params):
        seen.update(params)
        progress(1, 2)
        progress(2, 2)
        return {"rows_written": 2}

    fake_module("publishing.completeness", refresh_completeness=refresh_completeness)
    job = start_job("refresh_completeness", {"channel": "web"})
    assert job.status == Job.Status.SUCCEEDED, job.log
    assert seen == {"channel": "web"}
    assert "1/2" in job.log


@pytest.mark.django_db
def test_selftest_reports_progress_and_can_fail():
    job = start_job("selftest", {"steps": 3, "delay": 0}, max_attempts=1)
    assert job.status == Job.Status.SUCCEEDED and "3/3 step 3" in job.log
    failing = start_job("selftest", {"steps": 1, "delay": 0, "fail": True}, max_attempts=1)
    assert failing.status == Job.Status.FAILED
    assert "selftest asked to fail" in failing.error

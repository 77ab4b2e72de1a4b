"""Jobs on Redis: real ``manage.py rqworker`` processes run them, and a worker
killed with SIGKILL mid-job is recovered (PIM_TASKS_BACKEND=rq)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from publishing.jobs import recover_stale_jobs, start_job
from publishing.models import Job, ProductSnapshot
from tests.publishing.helpers import make_channel, make_complete_product

from .conftest import wait_for

pytestmark = pytest.mark.slow


def _descendants_of(worker):
    from .conftest import _descendants

    return _descendants(worker.pid)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _job(pk):
    return Job.objects.get(pk=pk)


def _finished(pk):
    current = _job(pk)
    return current.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) and current


def test_job_waits_in_redis_until_an_rq_worker_runs_it(start_rq_worker, rq_backend):
    import django_rq

    job = start_job("selftest", {"steps": 4, "delay": 0.3})
    assert job.status == Job.Status.QUEUED  # nothing ran in this process
    queue = django_rq.get_queue("default")
    assert job.task_id in queue.job_ids  # the task is in Redis, not in the database

    worker = start_rq_worker()
    seen = set()

    def finished():
        current = _job(job.pk)
        seen.add(current.progress)
        return current.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) and current

    done = wait_for(finished, timeout=90, message=f"the job to finish; worker said:\n{worker.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    assert done.attempts == 1
    assert seen & {25, 50, 75}, f"no intermediate progress seen, only {sorted(seen)}"
    assert "4/4 step 4" in done.log
    assert queue.count == 0


def test_rq_worker_publishes_a_channel_into_the_database(start_rq_worker):
    channel = make_channel("rqweb", languages=("en", "fi"))
    products = [
        make_complete_product(names={"en": f"Drill {i}", "fi": f"Porakone {i}"}) for i in range(3)
    ]
    job = start_job("publish_channel", {"channel": channel.code})
    assert not ProductSnapshot.objects.filter(channel=channel).exists()

    worker = start_rq_worker()
    done = wait_for(lambda: _finished(job.pk), timeout=90,
                    message=f"the publish to finish; worker said:\n{worker.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    snapshots = ProductSnapshot.objects.filter(channel=channel, deleted=False)
    assert sorted(snapshots.values_list("sku", "locale")) == sorted(
        (product.sku, locale) for product in products for locale in ("en", "fi")
    )
    assert {s.document["name"] for s in snapshots.filter(locale="fi")} == {f"Porakone {i}" for i in range(3)}


def test_killed_rq_worker_leaves_a_running_job_that_recovery_requeues(start_rq_worker):
    import django_rq

    job = start_job("selftest", {"steps": 25, "delay": 0.2}, max_attempts=2)
    first = start_rq_worker()
    wait_for(lambda: _job(job.pk).progress >= 10, timeout=90,
             message=f"the job to make progress; worker said:\n{first.output()}")
    horses = _descendants_of(first)
    assert horses, "the job runs in a work horse process"
    first.kill()  # SIGKILL to the worker and its work horse
    wait_for(lambda: not any(_alive(pid) for pid in horses), timeout=10, message="the work horse to die")

    orphan = _job(job.pk)
    assert orphan.status == Job.Status.RUNNING
    assert 10 <= orphan.progress < 100
    assert recover_stale_jobs() == {"requeued": [], "failed": []}
    later = timezone.now() + timedelta(minutes=10)
    assert recover_stale_jobs(now=later) == {"requeued": [job.pk], "failed": []}
    requeued = _job(job.pk)
    assert requeued.status == Job.Status.QUEUED
    assert requeued.task_id and requeued.task_id != orphan.task_id
    assert requeued.task_id in django_rq.get_queue("default").job_ids

    second = start_rq_worker()
    done = wait_for(lambda: _finished(job.pk), timeout=90,
                    message=f"the requeued job to finish; worker said:\n{second.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    assert done.attempts == 2
    assert "The worker stopped responding" in done.log


def test_failed_attempt_is_retried_later_through_the_rq_scheduler(start_rq_worker):
    """A retry is enqueued with a delay (1 s in the worker's environment):
    RQ's scheduler (``--with-scheduler``) must move it back to the queue."""
    job = start_job("selftest", {"steps": 1, "delay": 0, "fail": True}, max_attempts=2)
    worker = start_rq_worker()
    done = wait_for(lambda: _finished(job.pk), timeout=90,
                    message=f"both attempts to run; worker said:\n{worker.output()}")
    assert done.status == Job.Status.FAILED
    assert done.attempts == 2, done.log
    assert "selftest asked to fail" in done.error


@pytest.fixture
def worker_media(settings, monkeypatch):
    """RQ workers read and write this test's media folder."""
    monkeypatch.setenv("PIM_MEDIA_ROOT", str(settings.MEDIA_ROOT))
    return settings.MEDIA_ROOT


def test_rq_worker_renders_a_datasheet(start_rq_worker, worker_media):
    from tests.pdf.builders import build_catalog
    from tests.pdf.pdfutil import artifact_path, image_count, page_texts

    catalog = build_catalog(2)
    sku = catalog["products"][0].sku
    job = start_job("render_datasheet", {"sku": sku, "locale": "ru", "channel": "print"})
    assert job.status == Job.Status.QUEUED and job.artifact_id is None
    worker = start_rq_worker()
    done = wait_for(lambda: _finished(job.pk), timeout=180,
                    message=f"the datasheet to render; worker said:\n{worker.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    artifact = done.artifact
    assert artifact.kind == "datasheet" and artifact.subject == sku and artifact.locale == "ru"
    path = artifact_path(artifact)
    assert str(path).startswith(str(worker_media))  # written by the worker into the shared media folder
    text = "\n".join(page_texts(path))
    assert "Аккумуляторная дрель" in text and sku in text
    assert image_count(path) >= 1  # the product photo, read by the worker


def test_rq_worker_builds_a_google_merchant_export(start_rq_worker, worker_media):
    from lxml import etree

    from publishing.sequencing import stamp_pending
    from publishing.services import publish_channel

    channel = make_channel("gmc", languages=("fi",), kind="marketplace", feed_label="FI")
    skus = [make_complete_product(names={"fi": f"Porakone Ő {i}"}).sku for i in range(3)]
    publish_channel(channel)
    stamp_pending()
    job = start_job("export_channel", {"channel": "gmc", "locale": "fi", "format": "google-xml"})
    worker = start_rq_worker()
    done = wait_for(lambda: _finished(job.pk), timeout=120,
                    message=f"the export to build; worker said:\n{worker.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    artifact = done.artifact
    assert (artifact.kind, artifact.format, artifact.locale) == ("export", "google-xml", "fi")
    with artifact.file.open("rb") as handle:
        root = etree.parse(handle).getroot()
    g = "{http://base.google.com/ns/1.0}"
    items = root.findall("channel/item")
    assert sorted(item.findtext(f"{g}id") for item in items) == sorted(skus)
    assert {item.findtext(f"{g}title") for item in items} == {f"Porakone Ő {i}" for i in range(3)}
    assert artifact.meta["items"] == 3

"""A real ``manage.py db_worker`` killed with SIGKILL in the middle of a
render or an export: the previous file is still served unchanged, and the
recovery duty queues the job again (or fails it on its last attempt)."""

import copy
import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Price
from publishing.artifacts import latest_artifact
from publishing.exports.service import build_export, latest_export
from publishing.jobs import recover_stale_jobs, start_job
from publishing.models import Artifact, ChannelToken, Job, ProductSnapshot
from publishing.pdf.catalog import render_catalog
from publishing.sequencing import stamp_pending
from publishing.services import publish, publish_channel
from tests.pdf.builders import build_catalog
from tests.publishing.helpers import make_channel, make_complete_product

from .conftest import wait_for

pytestmark = pytest.mark.slow

LATER = timedelta(minutes=10)  # past the stale threshold: the heartbeat has stopped


@pytest.fixture
def worker_environment(settings, monkeypatch, tmp_path):
    """The worker reads and writes this test's media folder; its temporary
    files (the half-written one a kill leaves) land in a folder of the test."""
    monkeypatch.setenv("PIM_MEDIA_ROOT", str(settings.MEDIA_ROOT))
    scratch = tmp_path / "worker-tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    return scratch


def _job(pk):
    return Job.objects.get(pk=pk)


def _mid_way(pk):
    """The job is running and has reported progress, but is not done."""
    job = _job(pk)
    return job.status == Job.Status.RUNNING and 0 < job.progress < 100 and job


def _finished(pk):
    job = _job(pk)
    return job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) and job


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _stored_bytes(artifact):
    with artifact.file.open("rb") as handle:
        return handle.read()


def _kill_mid_way(start_worker, job):
    worker = start_worker()
    seen = wait_for(lambda: _mid_way(job.pk), timeout=120, interval=0.02,
                    message=f"the job to report progress; worker said:\n{worker.output()}")
    worker.kill()  # SIGKILL: no handler runs, nothing is cleaned up
    orphan = _job(job.pk)
    assert orphan.status == Job.Status.RUNNING, orphan.log
    assert 0 < seen.progress <= orphan.progress < 100
    return orphan


def test_worker_killed_while_rendering_a_catalog(start_worker, worker_environment):
    catalog = build_catalog(30)
    previous = render_catalog("print", "fi")
    previous_bytes = _stored_bytes(previous)
    repriced = catalog["products"][0]
    Price.objects.filter(product=repriced, variant=None).update(amount=Decimal("777.00"))
    publish(repriced, catalog["channel"])
    stamp_pending()

    job = start_job("render_catalog", {"channel": "print", "locale": "fi"}, max_attempts=2)
    _kill_mid_way(start_worker, job)

    # Nothing half-made became an artifact: the previous catalog is still the one served.
    assert list(Artifact.objects.filter(kind="catalog")) == [previous]
    assert latest_artifact("catalog", channel=catalog["channel"], locale="fi", format="pdf") == previous
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:publishing_artifact_download", args=[previous.pk]))
    assert response.status_code == 200
    assert _digest(b"".join(response.streaming_content)) == _digest(previous_bytes)

    assert recover_stale_jobs(now=timezone.now() + LATER) == {"requeued": [job.pk], "failed": []}
    assert _job(job.pk).status == Job.Status.QUEUED
    second = start_worker()
    done = wait_for(lambda: _finished(job.pk), timeout=300,
                    message=f"the requeued render to finish; worker said:\n{second.output()}")
    assert done.status == Job.Status.SUCCEEDED, done.log
    assert done.attempts == 2 and "The worker stopped responding" in done.log
    assert done.artifact_id != previous.pk
    assert latest_artifact("catalog", channel=catalog["channel"], locale="fi", format="pdf") == done.artifact
    assert _digest(_stored_bytes(previous)) == _digest(previous_bytes)  # the old file is kept as it was


def _export_channel(documents):
    """A marketplace channel with ``documents`` published products in Finnish
    (one real published document, copied under new SKUs)."""
    channel = make_channel("gmc", languages=("fi",), kind="marketplace", feed_label="FI")
    product = make_complete_product(sku="REAL-1", names={"fi": "Akkuporakone Őrült"})
    publish_channel(channel)
    stamp_pending()
    template = ProductSnapshot.objects.get(channel=channel, sku="REAL-1", locale="fi")
    copies = []
    for number in range(documents - 1):
        document = copy.deepcopy(template.document)
        document["sku"] = sku = f"COPY-{number:05d}"
        copies.append(ProductSnapshot(channel=channel, product=product, sku=sku, locale="fi", document=document,
                                      content_hash=f"copy-{number}", seq=10_000 + number, pending=False,
                                      updated_at=template.updated_at))
    ProductSnapshot.objects.bulk_create(copies, batch_size=1000)
    return channel


def test_worker_killed_while_building_an_export(start_worker, worker_environment):
    channel = _export_channel(6000)
    previous = build_export(channel, "fi", "google-xml")
    previous_bytes = _stored_bytes(previous)
    _token, raw = ChannelToken.issue(channel)
    # Something changes, so the next export is a new file.
    ProductSnapshot.objects.filter(channel=channel, sku="COPY-00000").update(content_hash="edited")

    job = start_job("export_channel", {"channel": "gmc", "locale": "fi", "format": "google-xml"}, max_attempts=1)
    _kill_mid_way(start_worker, job)

    assert list(Artifact.objects.filter(kind="export")) == [previous]
    assert latest_export(channel, "fi", "google-xml") == previous
    response = Client().get("/feeds/gmc/fi/google-xml", {"token": raw})
    assert response.status_code == 200
    assert _digest(b"".join(response.streaming_content) if response.streaming else response.content) == \
        _digest(previous_bytes)
    # The killed attempt left its half-written file in the worker's temporary
    # folder, never in media storage.
    assert list(worker_environment.glob("pim-artifact-*"))

    # Its last attempt: the recovery duty fails it, with the reason.
    assert recover_stale_jobs(now=timezone.now() + LATER) == {"requeued": [], "failed": [job.pk]}
    failed = _job(job.pk)
    assert failed.status == Job.Status.FAILED and "The worker stopped responding" in failed.error
    assert list(Artifact.objects.filter(kind="export")) == [previous]

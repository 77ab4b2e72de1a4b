"""Job and artifact admin: live progress, log, retry, downloads."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile

from publishing.jobs import job_kind, start_job
from publishing.models import Artifact, Job


@job_kind("infra_admin_fails_once")
def fails_once(ctx, marker):
    if not Job.objects.filter(kind="infra_admin_fails_once", log__contains="Retry requested").exists():
        raise RuntimeError("first time fails")
    ctx.progress(1, 1, "done")


def _artifact(content=b"sku;name\nA1;\xc5\x90r\xc3\xbc\n"):
    artifact = Artifact(kind="export", locale="fi", format="csv", subject="prices", content_hash="abc123",
                        size_bytes=len(content))
    artifact.file.save("prices-fi.csv", ContentFile(content), save=True)
    return artifact


@pytest.mark.django_db
def test_changelist_shows_progress_bars_that_poll(admin_client):
    job = Job.objects.create(kind="selftest", status=Job.Status.RUNNING, progress=40, attempts=1)
    response = admin_client.get("/admin/publishing/job/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<progress value="40" max="100">' in body
    assert f'data-job-progress="{job.pk}"' in body and 'data-status="running"' in body
    assert "publishing/admin/job_progress.js" in body
    assert finders.find("publishing/admin/job_progress.js")


@pytest.mark.django_db
def test_progress_endpoints_report_the_current_state(admin_client):
    job = Job.objects.create(kind="selftest", status=Job.Status.RUNNING, progress=60, attempts=1,
                             log="line one\nline two\n")
    other = Job.objects.create(kind="selftest", status=Job.Status.SUCCEEDED, progress=100)
    one = admin_client.get(f"/admin/publishing/job/{job.pk}/progress/").json()
    assert one["progress"] == 60 and one["status"] == "running" and not one["finished"]
    assert one["log"].endswith("line two\n")
    many = admin_client.get(f"/admin/publishing/job/progress/?ids={job.pk},{other.pk}").json()
    assert {state["id"]: state["finished"] for state in many["jobs"]} == {job.pk: False, other.pk: True}
    assert admin_client.get("/admin/publishing/job/progress/?ids=x").status_code == 400


@pytest.mark.django_db
def test_progress_endpoint_needs_admin_access(client):
    job = Job.objects.create(kind="selftest")
    response = client.get(f"/admin/publishing/job/{job.pk}/progress/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_change_view_shows_log_and_result_download(admin_client):
    artifact = _artifact()
    job = Job.objects.create(kind="selftest", status=Job.Status.SUCCEEDED, progress=100, artifact=artifact,
                             log="Traceback <b>not html</b>\n")
    body = admin_client.get(f"/admin/publishing/job/{job.pk}/change/").content.decode()
    assert '<pre class="job-log"' in body
    assert "Traceback &lt;b&gt;not html&lt;/b&gt;" in body
    assert f"/admin/publishing/artifact/{artifact.pk}/download/" in body
    assert 'name="_save"' not in body


@pytest.mark.django_db
def test_retry_action_requeues_failed_jobs(admin_client):
    job = start_job("infra_admin_fails_once", {"marker": 1}, max_attempts=1)
    assert job.status == Job.Status.FAILED
    done = Job.objects.create(kind="selftest", status=Job.Status.SUCCEEDED)
    response = admin_client.post("/admin/publishing/job/", {
        "action": "retry_selected", "_selected_action": [job.pk, done.pk],
    }, follow=True)
    assert response.status_code == 200
    job.refresh_from_db()
    done.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert done.status == Job.Status.SUCCEEDED and done.attempts == 0
    assert "1 job queued again." in response.content.decode()


@pytest.mark.django_db
def test_artifact_admin_is_read_only_and_downloads_the_file(admin_client):
    artifact = _artifact()
    listing = admin_client.get("/admin/publishing/artifact/").content.decode()
    assert f"/admin/publishing/artifact/{artifact.pk}/download/" in listing
    assert admin_client.get("/admin/publishing/artifact/add/").status_code == 403
    response = admin_client.get(f"/admin/publishing/artifact/{artifact.pk}/download/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == "sku;name\nA1;Őrü\n"


@pytest.mark.django_db
def test_artifact_download_needs_view_permission(client):
    artifact = _artifact()
    staff = get_user_model().objects.create_user("staffer", password="x-long-password-1", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/admin/publishing/artifact/{artifact.pk}/download/").status_code == 404
    staff.groups.add(Group.objects.get(name="Print team"))
    assert client.get(f"/admin/publishing/artifact/{artifact.pk}/download/").status_code == 200


@pytest.mark.django_db
def test_message_job_started_links_to_the_job(rf, admin_user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    from publishing.admin.jobs import message_job_started

    request = rf.get("/admin/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    job = start_job("selftest", {"steps": 1, "delay": 0})
    message_job_started(request, job)
    [message] = list(request._messages)
    assert f'href="/admin/publishing/job/{job.pk}/change/"' in str(message)
    assert "Succeeded" in str(message)


@pytest.mark.django_db
def test_changelist_warns_when_jobs_wait_without_a_worker(admin_client):
    from datetime import timedelta

    from django.utils import timezone

    assert "Is the worker running" not in admin_client.get("/admin/publishing/job/").content.decode()
    Job.objects.create(kind="selftest")  # just queued: no warning yet
    assert "Is the worker running" not in admin_client.get("/admin/publishing/job/").content.decode()
    stuck = Job.objects.create(kind="selftest")
    Job.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    body = admin_client.get("/admin/publishing/job/").content.decode()
    assert "1 job has been waiting for more than a minute. Is the worker running" in body

"""The PDF render admin page: start a render, land on the job page, download the result."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from pim.roles import PRINT_TEAM, ensure_roles
from publishing.models import Artifact, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def print_user(django_user_model):
    ensure_roles()
    user = django_user_model.objects.create_user("printer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=PRINT_TEAM))
    return user


def test_print_team_starts_a_catalog_render_and_downloads_it(client, print_user, catalog):
    client.force_login(print_user)
    url = reverse("admin:publishing_pdf_renders")
    page = client.get(url + "?kind=catalog&channel=print")
    assert page.status_code == 200 and b"Start a render" in page.content
    response = client.post(url, {"kind": "catalog", "channel": "print", "locale": "fi"})
    job = Job.objects.get(kind="render_catalog")
    assert response.status_code == 302 and response["Location"] == reverse("admin:publishing_job_change", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.params == {"channel": "print", "locale": "fi"}
    listing = client.get(url)
    download = reverse("admin:publishing_artifact_download", args=[job.artifact_id])
    assert download.encode() in listing.content
    pdf = client.get(download)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_every_language_starts_one_job_per_channel_language(client, print_user, catalog):
    client.force_login(print_user)
    response = client.post(reverse("admin:publishing_pdf_renders"), {"kind": "catalog", "channel": "print",
                                                                     "locale": "*"})
    assert response.status_code == 302
    assert sorted(Job.objects.values_list("params__locale", flat=True)) == ["en", "fi", "ru"]
    assert Artifact.objects.filter(kind="catalog").count() == 3


def test_labels_need_a_store_and_datasheets_a_sku(client, print_user, catalog):
    client.force_login(print_user)
    url = reverse("admin:publishing_pdf_renders")
    response = client.post(url, {"kind": "labels", "channel": "print", "locale": "fi"})
    assert response.status_code == 200 and b"Shelf labels need a store code" in response.content
    response = client.post(url, {"kind": "datasheet", "channel": "print", "locale": "fi", "sku": "PDF-00002"})
    job = Job.objects.get(kind="render_datasheet")
    assert response.status_code == 302 and job.status == Job.Status.SUCCEEDED
    assert job.params == {"channel": "print", "locale": "fi", "sku": "PDF-00002"}


def test_users_without_artifact_access_are_refused(client, django_user_model, catalog):
    user = django_user_model.objects.create_user("plain", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:publishing_pdf_renders")).status_code == 403


def test_channel_action_renders_the_catalog_in_every_language(client, print_user, catalog):
    client.force_login(print_user)
    channel = catalog["channel"]
    response = client.post(reverse("admin:publishing_channel_changelist"), {
        "action": "render_catalog_action", "_selected_action": [channel.pk],
    })
    assert response.status_code == 302
    jobs = Job.objects.filter(kind="render_catalog")
    assert sorted(job.params["locale"] for job in jobs) == ["en", "fi", "ru"]
    assert all(job.status == Job.Status.SUCCEEDED for job in jobs)
    listing = client.get(response["Location"])
    assert listing.status_code == 200

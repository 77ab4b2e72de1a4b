"""The artifact admin lists each export's counts and rebuilds exports."""

from publishing.exports.service import build_export
from publishing.models import Artifact, Job, ProductSnapshot


def test_changelist_shows_counts_and_rebuild_action(admin_client, channel, catalog):
    artifact = build_export(channel, "en", "google-xml")
    page = admin_client.get("/admin/publishing/artifact/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Left out" in html and ">2</strong>" in html

    ProductSnapshot.objects.filter(channel=channel, sku="DRILL-1").update(deleted=True)
    response = admin_client.post("/admin/publishing/artifact/", {
        "action": "rebuild_exports", "_selected_action": [artifact.pk],
    })
    assert response.status_code == 302
    job = Job.objects.get(kind="export_channel")
    assert job.params == {"channel": "gmc", "locale": "en", "format": "google-xml"}
    assert job.status == Job.Status.SUCCEEDED
    assert job.artifact_id != artifact.pk and job.artifact.meta["items"] == 2
    assert Artifact.objects.filter(kind="export").count() == 2


def test_a_channels_first_export_is_started_from_the_admin(admin_client, channel, catalog):
    assert not Artifact.objects.filter(kind="export").exists()
    changelist = admin_client.get("/admin/publishing/artifact/").content.decode()
    assert 'href="/admin/publishing/artifact/new-export/"' in changelist
    page = admin_client.get("/admin/publishing/artifact/new-export/")
    assert page.status_code == 200 and "gmc: en, fi" in page.content.decode()

    response = admin_client.post("/admin/publishing/artifact/new-export/",
                                 {"channel": channel.pk, "locale": "fi", "format": "meta-csv"})
    job = Job.objects.get(kind="export_channel")
    assert response.status_code == 302 and response.url == f"/admin/publishing/job/{job.pk}/change/"
    assert job.params == {"channel": "gmc", "locale": "fi", "format": "meta-csv"}
    assert job.status == Job.Status.SUCCEEDED  # jobs run inline in tests
    artifact = Artifact.objects.get(kind="export")
    assert (artifact.channel_id, artifact.locale, artifact.format) == (channel.pk, "fi", "meta-csv")
    assert job.artifact_id == artifact.pk and artifact.meta["items"] == 3
    # the job page offers the file
    assert f"/admin/publishing/artifact/{artifact.pk}/download/" in admin_client.get(response.url).content.decode()


def test_new_export_refuses_a_language_the_channel_does_not_publish(admin_client, channel, catalog):
    response = admin_client.post("/admin/publishing/artifact/new-export/",
                                 {"channel": channel.pk, "locale": "ru", "format": "google-xml"})
    assert response.status_code == 200
    assert "Unknown locale &#x27;ru&#x27;. Channel gmc publishes: en, fi." in response.content.decode()
    assert not Job.objects.exists() and not Artifact.objects.exists()


def test_new_export_needs_the_right_to_start_jobs(client, channel, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_artifact"))
    client.force_login(viewer)
    assert "new-export" not in client.get("/admin/publishing/artifact/").content.decode()
    assert client.get("/admin/publishing/artifact/new-export/").status_code == 403
    response = client.post("/admin/publishing/artifact/new-export/",
                           {"channel": channel.pk, "locale": "en", "format": "csv"})
    assert response.status_code == 403 and not Job.objects.exists()

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

"""Delivery of exports: /feeds/ pulls with tokens and ETags, the export_channel command, the job."""

import io
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from lxml import etree

from publishing.jobs import start_job
from publishing.models import Artifact, ChannelToken, FeedPullDay, Job, ProductSnapshot
from publishing.sequencing import stamp_pending
from publishing.services import publish, unpublish
from tests.exports.conftest import bulk_documents
from tests.factories import make_product
from tests.publishing.helpers import make_channel, make_image

URL = "/feeds/gmc/{locale}/{format}"


def item_ids(content):
    root = etree.fromstring(content)
    return {item.findtext("{http://base.google.com/ns/1.0}id") for item in root.iterfind("channel/item")}


def test_pull_with_token_builds_on_demand_then_304(channel, catalog, token):
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(URL.format(locale="fi", format="google-xml"))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="gmc-fi-FI-google-xml.xml"'
    body = b"".join(response.streaming_content)
    assert item_ids(body) == {"DRILL-1", "SHIRT-1-RED-M", "SHIRT-1-BLUE-M"}
    artifact = Artifact.objects.get(kind="export", locale="fi", format="google-xml")
    assert response["ETag"] == f'"{artifact.content_hash}"'

    again = client.get(URL.format(locale="fi", format="google-xml"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"] and not again.content
    assert Artifact.objects.filter(kind="export").count() == 1  # served, not rebuilt
    assert FeedPullDay.objects.get(token__channel=channel).pulls == 2


def test_query_token_and_content_types(channel, catalog, token):
    client = Client()
    expected = {
        "google-tsv": "text/tab-separated-values; charset=utf-8",
        "meta-csv": "text/csv; charset=utf-8",
        "local-inventory": "text/tab-separated-values; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for fmt, content_type in expected.items():
        response = client.get(URL.format(locale="en", format=fmt), {"token": token})
        assert response.status_code == 200, (fmt, response.content)
        assert response["Content-Type"] == content_type


def test_tokens_only_see_their_channel(channel, catalog, token):
    other = make_channel("shop", languages=("en",))
    _token, other_raw = ChannelToken.issue(other)
    wrong = Client(HTTP_AUTHORIZATION=f"Token {other_raw}").get(URL.format(locale="en", format="google-xml"))
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "wrong_channel"

    missing = Client().get(URL.format(locale="en", format="google-xml"))
    assert missing.status_code == 401 and missing.json()["code"] == "not_authenticated"
    unknown = Client().get(URL.format(locale="en", format="google-xml"), {"token": "pim_nope"})
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_token"
    assert not Artifact.objects.filter(kind="export").exists()


def test_unknown_format_or_locale_is_404_json(channel, token):
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(URL.format(locale="en", format="pdf"))
    assert response.status_code == 404 and response.json()["code"] == "unknown_format"
    response = client.get(URL.format(locale="ru", format="google-xml"))
    assert response.status_code == 404 and response.json()["code"] == "unknown_locale"
    assert "en, fi" in response.json()["detail"]


def test_pull_follows_publishing(channel, catalog, token):
    """A pull after a publish serves a new file (a small stale export is
    rebuilt within the pull); withdrawn products disappear."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    first = client.get(URL.format(locale="en", format="google-xml"))
    assert "DRILL-1" in item_ids(b"".join(first.streaming_content))

    unpublish(catalog["drill"], channel)
    stamp_pending()
    second = client.get(URL.format(locale="en", format="google-xml"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert "DRILL-1" not in item_ids(b"".join(second.streaming_content))
    assert second["X-PIM-Export-Stale"] == "0"
    # history: both files are kept
    assert Artifact.objects.filter(kind="export", locale="en", format="google-xml").count() == 2


def test_drafts_and_unpublished_products_never_appear(channel, catalog, token):
    draft = make_product("DRAFT-1", names={"en": "Secret prototype"}, price="5.00", review_state="draft")
    make_image(draft)
    unpublished = make_product("LATER-1", names={"en": "Not yet"}, price="5.00")
    make_image(unpublished)
    channel.requires_approval = True
    channel.save()
    channel = type(channel).objects.get(pk=channel.pk)
    publish(draft, channel)  # held: waits for approval
    stamp_pending()
    assert not ProductSnapshot.objects.filter(sku__in=["DRAFT-1", "LATER-1"]).exists()
    for fmt in ("google-xml", "meta-csv", "csv"):
        call = Client(HTTP_AUTHORIZATION=f"Token {token}").get(URL.format(locale="en", format=fmt))
        content = b"".join(call.streaming_content).decode("utf-8-sig")
        assert "DRILL-1" in content
        assert "DRAFT-1" not in content and "Secret prototype" not in content
        assert "LATER-1" not in content


def test_export_channel_command_writes_and_stores(channel, catalog, token, tmp_path):
    (tmp_path / "out").mkdir()
    output = tmp_path / "out" / "feed.xml"
    out = io.StringIO()
    call_command("export_channel", "--channel", "gmc", "--format", "google-xml", "--locale", "fi",
                 "--output", str(output), stdout=out)
    assert item_ids(output.read_bytes()) == {"DRILL-1", "SHIRT-1-RED-M", "SHIRT-1-BLUE-M"}
    assert "3 items, 2 left out" in out.getvalue() and "NOPRICE-1: No price in this channel." in out.getvalue()
    assert "OLD-DRILL-1: The product is discontinued" in out.getvalue()
    assert list(output.parent.iterdir()) == [output]  # no temporary file left behind
    # the /feeds/ pull serves the very same file
    artifact = Artifact.objects.get(kind="export", locale="fi", format="google-xml")
    pulled = Client().get(URL.format(locale="fi", format="google-xml"), {"token": token})
    assert pulled["ETag"] == f'"{artifact.content_hash}"'
    assert b"".join(pulled.streaming_content) == output.read_bytes()


def test_export_channel_output_has_a_normal_files_mode(channel, catalog, tmp_path):
    output = tmp_path / "feed.tsv"
    previous = os.umask(0o022)
    try:
        call_command("export_channel", "--channel", "gmc", "--format", "google-tsv", "--locale", "en",
                     "--output", str(output), stdout=io.StringIO())
        assert stat.S_IMODE(output.stat().st_mode) == 0o644
        os.umask(0o077)  # a stricter umask is respected
        fresh = tmp_path / "private.tsv"
        call_command("export_channel", "--channel", "gmc", "--format", "google-tsv", "--locale", "en",
                     "--output", str(fresh), stdout=io.StringIO())
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
        # rewriting a file keeps the mode it was given
        output.chmod(0o640)
        call_command("export_channel", "--channel", "gmc", "--format", "google-tsv", "--locale", "fi",
                     "--output", str(output), stdout=io.StringIO())
        assert stat.S_IMODE(output.stat().st_mode) == 0o640
    finally:
        os.umask(previous)


@pytest.mark.parametrize(("args", "message"), [
    (["--channel", "nope", "--format", "csv", "--locale", "en"], "Unknown channel: nope"),
    (["--channel", "gmc", "--format", "pdf", "--locale", "en"], "Unknown format 'pdf'"),
    (["--channel", "gmc", "--format", "csv", "--locale", "ru"], "Unknown locale 'ru'"),
])
def test_export_channel_command_refuses_bad_input(channel, tmp_path, args, message):
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError) as error:
        call_command("export_channel", *args, "--output", str(output))
    assert message in str(error.value) and "\n" not in str(error.value)
    assert not output.exists()


def test_export_channel_command_missing_folder(channel, tmp_path):
    with pytest.raises(CommandError, match="Output folder does not exist"):
        call_command("export_channel", "--channel", "gmc", "--format", "csv", "--locale", "en",
                     "--output", str(tmp_path / "missing" / "out.csv"))


def test_existing_output_is_kept_when_export_fails(channel, tmp_path, monkeypatch):
    output = tmp_path / "feed.tsv"
    output.write_text("previous")
    bulk_documents(channel, 3)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    from publishing.exports import registry

    monkeypatch.setitem(registry.FORMATS, "google-tsv", registry.FORMATS["google-tsv"].__class__(
        **{**registry.FORMATS["google-tsv"].__dict__, "write": broken}))
    with pytest.raises(RuntimeError):
        call_command("export_channel", "--channel", "gmc", "--format", "google-tsv", "--locale", "en",
                     "--output", str(output))
    assert output.read_text() == "previous"
    assert not Artifact.objects.filter(kind="export").exists()


def test_job_kind_builds_and_attaches_the_artifact(channel, catalog):
    job = start_job("export_channel", {"channel": "gmc", "locale": "en", "format": "meta-csv"})
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert job.artifact.format == "meta-csv" and job.artifact.meta["items"] == 3
    assert "3 items written, 2 left out" in job.log

    failed = start_job("export_channel", {"channel": "gmc", "locale": "en", "format": "pdf"})
    assert failed.status == Job.Status.FAILED and failed.attempts == 1
    assert "Unknown format" in failed.error

"""Exports follow publishing: a publish makes them stale, the scheduler's duty
queues their rebuild, and a pull says when it serves a stale file.

Jobs go to the database queue here (not inline), so each test sees what is
queued and runs it the way the worker does.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils.http import parse_http_date
from lxml import etree

from catalog.models import Price
from publishing.exports.service import build_export, rebuild_stale_exports, stale_exports
from publishing.jobs import execute_job
from publishing.models import Artifact, Job
from publishing.scheduler import DUTIES, Scheduler
from publishing.sequencing import stamp_pending
from publishing.services import publish, unpublish

G = "{http://base.google.com/ns/1.0}"
URL = "/feeds/gmc/{locale}/{format}"


@pytest.fixture
def queued_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def prices(body):
    root = etree.fromstring(body)
    return {item.findtext(f"{G}id"): item.findtext(f"{G}price") for item in root.iterfind("channel/item")}


def pull(token, locale="en", fmt="google-xml", **headers):
    response = Client(HTTP_AUTHORIZATION=f"Token {token}").get(URL.format(locale=locale, format=fmt), **headers)
    assert response.status_code in (200, 304), response.content
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def change_drill_price(catalog, channel, amount):
    Price.objects.filter(product=catalog["drill"], price_list=channel.price_list).update(amount=Decimal(amount))
    publish(catalog["drill"], channel)
    stamp_pending()


def run_queued():
    """What the worker does: run every queued export job once."""
    jobs = list(Job.objects.filter(kind="export_channel", status=Job.Status.QUEUED).order_by("pk"))
    for job in jobs:
        execute_job(job.pk, heartbeat=False)
    return jobs


def test_the_scheduler_runs_the_rebuild_duty(db):
    duty = next(duty for duty in DUTIES if duty.path.endswith("rebuild_stale_exports"))
    assert duty.interval <= 60
    # importable, so the scheduler does not skip it
    assert Scheduler(duties=[duty]).run_duty(duty) == "ok"


def test_publish_makes_exports_stale_and_the_duty_queues_each_rebuild(channel, catalog, queued_jobs):
    for locale, fmt in (("en", "google-xml"), ("en", "meta-csv"), ("fi", "google-xml")):
        build_export(channel, locale, fmt)
    assert stale_exports() == [] and rebuild_stale_exports() == {"queued": []}

    change_drill_price(catalog, channel, "111.00")
    assert {(c.code, locale, fmt) for c, locale, fmt in stale_exports()} == {
        ("gmc", "en", "google-xml"), ("gmc", "en", "meta-csv"), ("gmc", "fi", "google-xml"),
    }
    outcome = rebuild_stale_exports()
    assert sorted(outcome["queued"]) == ["gmc/en/google-xml", "gmc/en/meta-csv", "gmc/fi/google-xml"]
    queued = Job.objects.filter(kind="export_channel", status=Job.Status.QUEUED)
    assert queued.count() == 3  # queued for the worker, nothing built yet
    assert Artifact.objects.filter(kind="export").count() == 3
    # the next tick does not queue them twice while they wait
    rebuild_stale_exports()
    assert queued.count() == 3

    for job in run_queued():
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.log
    assert stale_exports() == [] and rebuild_stale_exports() == {"queued": []}
    latest = Artifact.objects.filter(kind="export", locale="en", format="google-xml").order_by("-created_at").first()
    with latest.file.open("rb") as handle:
        assert prices(handle.read())["DRILL-1"] == "111.00 EUR"


def test_withdrawal_makes_exports_stale_too(channel, catalog, queued_jobs):
    build_export(channel, "en", "google-tsv")
    unpublish(catalog["shirt"], channel)
    stamp_pending()
    assert [(c.code, locale, fmt) for c, locale, fmt in stale_exports()] == [("gmc", "en", "google-tsv")]


def test_inactive_channels_and_dropped_locales_are_not_rebuilt(channel, catalog, queued_jobs):
    build_export(channel, "en", "google-xml")
    build_export(channel, "fi", "google-xml")
    change_drill_price(catalog, channel, "99.00")
    channel.languages.filter(language_code="fi").delete()
    assert [locale for _c, locale, _f in stale_exports()] == ["en"]
    channel.is_active = False
    channel.save()
    assert rebuild_stale_exports() == {"queued": []}


def test_small_stale_export_is_rebuilt_within_the_pull(channel, catalog, token, queued_jobs):
    first, body = pull(token)
    assert prices(body)["DRILL-1"] == "129.90 EUR" and first["X-PIM-Export-Stale"] == "0"

    change_drill_price(catalog, channel, "119.00")
    second, body = pull(token, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert prices(body)["DRILL-1"] == "119.00 EUR"
    assert second["X-PIM-Export-Stale"] == "0"
    assert not Job.objects.filter(kind="export_channel").exists()


def test_large_stale_export_is_served_marked_stale_while_the_worker_rebuilds(
        channel, catalog, token, settings, queued_jobs):
    settings.PIM_EXPORT_PULL_BUILD_LIMIT = 2  # the channel has 4 documents per locale: "large"
    first, body = pull(token)
    old = Artifact.objects.get(kind="export", locale="en", format="google-xml")

    change_drill_price(catalog, channel, "119.00")
    stale, body = pull(token)
    # the old price, said to be old: a marketplace can fetch again later
    assert prices(body)["DRILL-1"] == "129.90 EUR"
    assert stale["X-PIM-Export-Stale"] == "1" and stale["ETag"] == first["ETag"]
    assert parse_http_date(stale["Last-Modified"]) == int(old.created_at.timestamp())
    job = Job.objects.get(kind="export_channel")
    assert job.status == Job.Status.QUEUED
    assert job.params == {"channel": "gmc", "locale": "en", "format": "google-xml"}
    # an unchanged client is told nothing new, still marked stale
    again, _body = pull(token, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["X-PIM-Export-Stale"] == "1"
    assert Job.objects.filter(kind="export_channel").count() == 1  # not queued twice

    run_queued()
    fresh, body = pull(token, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["X-PIM-Export-Stale"] == "0"
    assert prices(body)["DRILL-1"] == "119.00 EUR"

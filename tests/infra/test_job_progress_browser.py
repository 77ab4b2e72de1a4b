"""A real browser (headless Chromium through Playwright) watches render jobs move in the admin.

The test process plays the worker: it moves a running Job row on while the
browser shows the job page or the PDF renders page, and the poller
(``job_progress.js``) must carry each change to the bar and the log without
a reload, then reload once the job is done. Playwright's sync API keeps an
event loop in this thread, where Django refuses database calls unless told
that nothing else uses the connection meanwhile (DJANGO_ALLOW_ASYNC_UNSAFE).
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from publishing.models import Job
from tests.web.browser import chromium_page

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The poller asks every 2 s; a change must show within a few rounds.
SEEN_WITHIN_MS = 10_000
PASSWORD = "a-long-browser-test-password"


@pytest.fixture
def browser_page():
    with chromium_page() as page:
        yield page


@pytest.fixture
def admin_page(live_server, browser_page, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    get_user_model().objects.create_superuser("printer", "printer@example.com", PASSWORD)
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "printer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("printer")
    yield page
    # With Playwright's loop running, Django keeps this thread's database
    # connections apart from the ones pytest-django closes: left open, the
    # session would keep the test database from being dropped at the end.
    connections.close_all()


def _running(kind, params, log):
    return Job.objects.create(kind=kind, params=params, status=Job.Status.RUNNING, progress=5, attempts=1,
                              started_at=timezone.now(), heartbeat_at=timezone.now(), log=log)


def _advance(job, progress, line, status=Job.Status.RUNNING):
    """What the worker does: a new progress value and a log line (and at the end, the final status)."""
    job.refresh_from_db()
    job.progress = progress
    job.log += line + "\n"
    job.status = status
    job.heartbeat_at = timezone.now()
    if status != Job.Status.RUNNING:
        job.finished_at = timezone.now()
    job.save()


def test_job_page_bar_and_log_follow_a_running_render(live_server, admin_page):
    job = _running("render_catalog", {"channel": "print", "locale": "fi"}, "Rendering the print catalog in fi.\n")
    page = admin_page
    page.goto(f"{live_server.url}/admin/publishing/job/{job.pk}/change/")
    bar = page.locator(f'[data-job-progress="{job.pk}"]')
    log = page.locator(f'[data-job-log="{job.pk}"]')
    expect(bar.locator("progress")).to_have_js_property("value", 5)
    expect(log).not_to_contain_text("product PDF-00003")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    _advance(job, 40, "product PDF-00003 3/6")
    expect(bar.locator("progress")).to_have_js_property("value", 40, timeout=SEEN_WITHIN_MS)
    expect(bar.locator(".job-progress-label")).to_have_text("40%")
    expect(log).to_contain_text("product PDF-00003 3/6", timeout=SEEN_WITHIN_MS)
    _advance(job, 75, "laying out pages 7/8")
    expect(bar.locator("progress")).to_have_js_property("value", 75, timeout=SEEN_WITHIN_MS)
    expect(log).to_contain_text("laying out pages 7/8", timeout=SEEN_WITHIN_MS)
    assert navigations == []  # moved by the poller, not by reloading the page

    _advance(job, 100, "Rendered 5 pages in 2.1 s.", status=Job.Status.SUCCEEDED)
    expect(bar).to_have_attribute("data-status", "succeeded", timeout=SEEN_WITHIN_MS)
    expect(page.locator(".field-status")).to_contain_text("Succeeded", timeout=SEEN_WITHIN_MS)  # reloaded once
    expect(bar.locator(".job-progress-label")).to_have_text("100%")
    expect(log).to_contain_text("Rendered 5 pages")
    assert len(navigations) == 1


def test_renders_page_bars_follow_their_jobs(live_server, admin_page):
    catalog = _running("render_catalog", {"channel": "print", "locale": "ru"}, "")
    datasheet = _running("render_datasheet", {"channel": "print", "locale": "fi", "sku": "PDF-00001"}, "")
    page = admin_page
    page.goto(f"{live_server.url}/admin/publishing/pdf/")
    expect(page.locator("h2", has_text="Recent render jobs")).to_be_visible()
    catalog_bar = page.locator(f'[data-job-progress="{catalog.pk}"]')
    datasheet_bar = page.locator(f'[data-job-progress="{datasheet.pk}"]')
    expect(catalog_bar.locator("progress")).to_have_js_property("value", 5)

    _advance(catalog, 30, "product 2/6")
    _advance(datasheet, 60, "laying out pages")
    expect(catalog_bar.locator("progress")).to_have_js_property("value", 30, timeout=SEEN_WITHIN_MS)
    expect(datasheet_bar.locator("progress")).to_have_js_property("value", 60, timeout=SEEN_WITHIN_MS)
    expect(datasheet_bar.locator(".job-progress-label")).to_have_text("60%")

    _advance(datasheet, 100, "done", status=Job.Status.SUCCEEDED)
    expect(datasheet_bar).to_have_attribute("data-status", "succeeded", timeout=SEEN_WITHIN_MS)
    row = page.locator("tr", has=datasheet_bar)
    expect(row).to_contain_text("Succeeded", timeout=SEEN_WITHIN_MS)  # the page reloaded with the final state
    # the catalog still runs: its bar keeps following
    _advance(catalog, 90, "merging parts")
    expect(catalog_bar.locator("progress")).to_have_js_property("value", 90, timeout=SEEN_WITHIN_MS)
    expect(catalog_bar).to_have_attribute("data-status", "running")

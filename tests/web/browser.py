"""Shared by the browser tests: Debian's headless Chromium, and screenshots kept as checked artifacts.

Screenshots go to test-artifacts/<database vendor>/ (git-ignored), so a run
on SQLite and one on PostgreSQL keep theirs apart. Each file is opened with
Pillow and must show a real page, not a blank one.
"""

from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from PIL import Image
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying to reach hosts it cannot.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# A blank or single-coloured page has a handful; text and pictures have hundreds.
MIN_COLOURS = 64


def launch(playwright):
    """Chromium from Debian; launch() gives every run a fresh temporary profile."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def chromium_page(width=1100, height=900):
    """A page in a fresh headless Chromium, closed afterwards."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def artifacts_dir():
    """test-artifacts/<vendor>/; call it before the browser starts (it asks the database connection)."""
    folder = Path(settings.BASE_DIR) / "test-artifacts" / connection.vendor
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def distinct_colours(path):
    with Image.open(path) as image:
        image.load()
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return len(colours)


def save_screenshot(page, folder, name, **options):
    """Save a PNG of the page and check that it opens and is not blank; returns its path."""
    path = folder / name
    page.screenshot(path=str(path), **options)
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 0 and image.height > 0
    assert distinct_colours(path) > MIN_COLOURS, f"{path} looks blank"
    return path

"""A real browser (Debian's headless Chromium through Playwright) follows a printed QR link.

The demo catalog is loaded before the browser starts: Playwright's sync API
keeps an event loop in this thread, where Django refuses database calls.
"""

import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from publishing.models import Brochure, ProductSnapshot, ShortLink
from publishing.web import pages
from tests.web.browser import artifacts_dir, launch, save_screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.qr.urls")]


def _rgb(hex_color):
    value = hex_color.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))


@pytest.fixture
def demo(db, live_server, settings):
    """The demo catalog; returns what the walk expects, read before the browser starts.

    Documents carry absolute URLs: the live server is the site and the media
    server, so the page's product image loads in the browser."""
    settings.PIM_BASE_URL = live_server.url
    settings.PIM_MEDIA_URL = live_server.url + "/media/"
    call_command("load_demo_catalog", products=20, verbosity=0)
    pages.clear_cache()
    brochure = Brochure.objects.prefetch_related("translations").get(code="demo")
    web = pages.web_channel()
    published = set(ProductSnapshot.objects.filter(channel=web, deleted=False, locale__in=["hu", "ru"])
                    .values_list("sku", "locale"))
    link = next(link for link in ShortLink.objects.filter(brochure=brochure, language_code="hu", retired_at=None)
                .order_by("sku") if (link.sku, "hu") in published and (link.sku, "ru") in published)
    documents = pages.translations_of(web, link.sku)
    return {
        "code": link.code.upper(),  # typed from paper in capitals: still found
        "hu": documents["hu"], "ru": documents["ru"],
        "banner_hu": brochure.safe_translation_getter("banner", language_code="hu"),
        "banner_ru": brochure.safe_translation_getter("banner", language_code="ru"),
        "promo": brochure.promo_code, "primary": _rgb(brochure.primary_color), "accent": _rgb(brochure.accent_color),
        "artifacts": artifacts_dir(),
    }


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def _path_pattern(document):
    path = quote(pages.path_of(document["url"]), safe="/%")
    return re.compile(re.escape(path) + r"\?utm_source=brochure&utm_medium=qr&utm_campaign=demo$", re.I)


def test_qr_link_landing_and_language_switch_on_the_demo_catalog(live_server, demo, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="hu-HU")
    page.goto(f"{live_server.url}/q/{demo['code']}")

    expect(page).to_have_url(_path_pattern(demo["hu"]))
    expect(page.locator("html")).to_have_attribute("lang", "hu")
    expect(page.locator("h1")).to_have_text(demo["hu"]["name"])
    banner = page.locator(".campaign-banner")
    expect(banner).to_be_visible()
    expect(banner.locator(".campaign-text")).to_have_text(demo["banner_hu"])
    expect(banner.locator(".promo-code")).to_have_text(demo["promo"])
    expect(banner.locator(".promo-code")).to_be_visible()
    # the brochure's colours, as the reader saw them on paper
    expect(banner).to_have_css("background-color", demo["primary"])
    expect(banner.locator(".promo-code")).to_have_css("background-color", demo["accent"])
    # the product image loaded from the media server (the screenshot shows it)
    image = page.locator("figure.main-image img")
    expect(image).to_have_attribute("alt", demo["hu"]["images"][0]["alt"])
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    save_screenshot(page, demo["artifacts"], "qr-landing-hu.png", full_page=True)

    page.click('a.language-link[data-lang="ru"]')
    expect(page).to_have_url(_path_pattern(demo["ru"]))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text(demo["ru"]["name"])  # the same product, in Russian
    expect(page.locator(".campaign-banner .campaign-text")).to_have_text(demo["banner_ru"])
    expect(page.locator(".campaign-banner .promo-code")).to_have_text(demo["promo"])
    save_screenshot(page, demo["artifacts"], "qr-landing-ru.png", full_page=True)


def test_unknown_code_shows_a_localized_page(live_server, demo, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="fi-FI")
    response = page.goto(f"{live_server.url}/q/zzzzzzz")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("h1")).to_be_visible()
    save_screenshot(page, demo["artifacts"], "qr-unknown-fi.png", full_page=True)

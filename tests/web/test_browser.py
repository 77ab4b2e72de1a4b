"""A real browser (Debian's headless Chromium through Playwright) reads product pages.

Data is written before the browser starts: Playwright's sync API keeps an
event loop in this thread, where Django refuses database calls.
"""

import re

import pytest
from playwright.sync_api import expect

from .browser import artifacts_dir, chromium_page, save_screenshot
from .conftest import NAMES, make_document, store

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.web.urls")]


@pytest.fixture
def published(web):
    for lang, (name, slug) in NAMES.items():
        document = make_document("DR-1", lang, name, slug, price="129.00")
        document["images"] = []  # no media server behind the test site
        store(web, document)
    return web


@pytest.fixture
def artifacts():
    return artifacts_dir()


@pytest.fixture
def browser_page(artifacts):
    with chromium_page() as page:
        yield page


def test_hungarian_and_russian_pages_and_language_switch(live_server, published, browser_page, artifacts):
    page = browser_page
    page.goto(f"{live_server.url}/hu/p/akkus-furo-orseg/")
    expect(page.locator("h1")).to_have_text("Akkus fúró Őrség")
    expect(page.locator("html")).to_have_attribute("lang", "hu")
    expect(page.locator(".buy .price")).to_contain_text("129,00")
    expect(page.locator(".buy .price")).to_contain_text("EUR")  # Hungarian CLDR writes the code
    save_screenshot(page, artifacts, "product-hu.png", full_page=True)

    page.click('a.language-link[data-lang="ru"]')
    expect(page).to_have_url(re.compile(r"/ru/p/%D0%B4%D1%80%D0%B5%D0%BB%D1%8C-%D0%B6/$", re.I))
    expect(page.locator("h1")).to_have_text("Аккумуляторная дрель Ж")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".buy .price")).to_contain_text("129")
    save_screenshot(page, artifacts, "product-ru.png", full_page=True)

    page.click('a.language-link[data-lang="hu"]')
    expect(page.locator("h1")).to_have_text("Akkus fúró Őrség")


@pytest.fixture
def tshirt(web):
    variants = [
        {"sku": "TS-S", "gtin": None, "axes": {"size": "S"}, "availability": "in_stock", "images": [],
         "price": {"amount": "9.90", "currency": "EUR", "includes_vat": True}},
        {"sku": "TS-M", "gtin": None, "axes": {"size": "M"}, "availability": "out_of_stock", "images": [],
         "price": {"amount": "11.90", "currency": "EUR", "includes_vat": True}},
    ]
    document = make_document("TS", "en", "T-shirt", "t-shirt", variants=variants)
    document["images"] = []
    return store(web, document)


def test_variant_picker_updates_price(live_server, tshirt, browser_page, artifacts):
    page = browser_page
    page.goto(f"{live_server.url}/en/p/t-shirt/")
    page.select_option("#variant", "TS-M")
    expect(page.locator(".buy .price")).to_contain_text("11.90")
    expect(page.locator(".buy .availability")).to_have_text("Out of stock")
    save_screenshot(page, artifacts, "product-variant.png")

"""The public site's Content-Security-Policy in a real browser (Debian's
headless Chromium through Playwright): a product page with JSON-LD, the
variant script, the stylesheet and product images loads without a single
violation, while an injected inline script is refused.

Data is written before the browser starts: Playwright's sync API keeps an
event loop in this thread, where Django refuses database calls.
"""

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from catalog.models import AttributeOption
from publishing.models import ProductSnapshot
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.factories import make_attribute, make_option, make_store, make_variant
from tests.publishing.helpers import make_channel, make_complete_product
from tests.web.browser import artifacts_dir, launch, save_screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# Collects violations from the page itself (DevTools-injected, so the policy
# does not apply to this script).
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def product_page(live_server, settings):
    settings.PIM_BASE_URL = live_server.url
    settings.PIM_MEDIA_URL = live_server.url + "/media/"
    colour = make_attribute("colour", type="select", labels={"en": "Colour"}, is_variant_axis=True)
    red = make_option(colour, "red", {"en": "Red", "ru": "Красный"})
    blue = make_option(colour, "blue", {"en": "Blue"})
    channel = make_channel("web", languages=("en", "ru"))
    product = make_complete_product(
        names={"en": "Cordless drill", "ru": "Аккумуляторная дрель"}, stock={make_store("hel"): 3},
    )
    make_variant(product, axis_values=[red])
    make_variant(product, axis_values=[blue])
    assert AttributeOption.objects.count() == 2
    publish_channel(channel)
    stamp_pending()
    document = ProductSnapshot.objects.get(channel=channel, sku=product.sku, locale="ru").document
    assert document["variants"] and document["images"]
    return live_server.url + urlsplit(document["url"]).path


def test_product_page_loads_without_a_csp_violation(product_page):
    artifacts = artifacts_dir()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.add_init_script(COLLECT_VIOLATIONS)
            console, statuses = [], {}
            page.on("console", lambda message: console.append(message.text))
            page.on("response", lambda answer: statuses.__setitem__(urlsplit(answer.url).path, answer.status))
            response = page.goto(product_page)
            page.wait_for_load_state("load")
            assert response.status == 200
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy

            # What the page needs ran or loaded: the JSON-LD is there and valid,
            # the stylesheet applied, the variant script is wired up.
            json_ld = json.loads(page.locator('script[type="application/ld+json"]').first.text_content())
            assert json_ld["@type"] == "Product" and json_ld["name"] == "Аккумуляторная дрель"
            assert page.evaluate("document.styleSheets.length") >= 1
            assert page.locator("#variant option").count() == 2
            static = {path: status for path, status in statuses.items() if path.startswith("/static/")}
            assert static == {"/static/web/site.css": 200, "/static/web/variants.js": 200}, statuses
            assert page.evaluate("window.__csp") == []
            assert not [text for text in console if "Content Security Policy" in text], console
            save_screenshot(page, artifacts, "csp-product-ru.png", full_page=True)

            # The policy is in force: an injected inline script is refused.
            page.evaluate("""() => {
                const script = document.createElement("script");
                script.textContent = "window.__injected = true";
                document.body.appendChild(script);
            }""")
            page.wait_for_timeout(200)
            assert page.evaluate("window.__injected === undefined")
            assert any(entry.startswith("script-src") for entry in page.evaluate("window.__csp"))
        finally:
            browser.close()

"""The product page's JSON-LD offer says what the REST feed says, both from a real publish."""

import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from lxml import html

from catalog.models import Price
from publishing.models import ChannelToken
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.factories import make_attribute, make_option, make_price_list, make_store, make_variant
from tests.publishing.helpers import make_channel, make_complete_product

pytestmark = pytest.mark.django_db

SCHEMA = {
    "in_stock": "https://schema.org/InStock",
    "out_of_stock": "https://schema.org/OutOfStock",
    "preorder": "https://schema.org/PreOrder",
    "backorder": "https://schema.org/BackOrder",
}


@pytest.fixture
def shop(client):
    cache.clear()  # the feed's rate-limit counters
    channel = make_channel("web", languages=("en", "hu", "ru"))
    simple = make_complete_product(
        sku="DRILL-1", price="129.90", stock={make_store("kamppi"): 4},
        names={"en": "Cordless drill", "hu": "Akkus fúró Ő", "ru": "Дрель Ж"},
    )
    size = make_attribute("size", type="select", labels={"en": "Size", "hu": "Méret", "ru": "Размер"},
                          is_variant_axis=True)
    shirt = make_complete_product(sku="SHIRT-1", price=None,
                                  names={"en": "T-shirt", "hu": "Póló ű", "ru": "Футболка"})
    for code, amount in (("s", "19.50"), ("m", "17.25"), ("l", "21.00")):
        variant = make_variant(shirt, axis_values=[make_option(size, code, {"en": code.upper()})])
        Price.objects.create(price_list=make_price_list(), product=shirt, variant=variant, amount=Decimal(amount))
    publish_channel(channel)
    stamp_pending()
    _token, raw = ChannelToken.issue(channel, name="shop")
    return {"channel": channel, "token": raw, "skus": [simple.sku, shirt.sku]}


def feed_document(client, token, sku, locale):
    response = client.get(f"/api/v1/channels/web/products/{sku}/", {"locale": locale},
                          HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return response.json()


def page_json_ld(client, url):
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    scripts = html.fromstring(response.content.decode()).xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


@pytest.mark.parametrize("locale", ["hu", "ru"])
def test_json_ld_offer_equals_the_feed_for_the_same_product_and_language(client, shop, locale):
    seen = {}
    for sku in shop["skus"]:
        document = feed_document(client, shop["token"], sku, locale)
        data = page_json_ld(client, document["url"])
        assert data["sku"] == document["sku"] == sku
        assert data["name"] == document["name"]
        assert data["url"] == document["url"]
        offer = data["offers"]
        assert Decimal(offer["price"]) == Decimal(document["price"]["amount"])
        assert offer["priceCurrency"] == document["price"]["currency"]
        assert offer["availability"] == SCHEMA[document["availability"]]
        seen[sku] = document
    # both kinds of price were compared: a product's own, and the lowest of its variants
    assert seen["DRILL-1"]["price"]["amount"] == "129.90" and not seen["DRILL-1"]["price"].get("from")
    assert seen["SHIRT-1"]["price"] == {**seen["SHIRT-1"]["price"], "amount": "17.25", "from": True}
    assert {seen["DRILL-1"]["availability"], seen["SHIRT-1"]["availability"]} == {"in_stock", "out_of_stock"}

"""Fixtures of the export tests: a marketplace channel with published products, and bulk snapshots."""

import io
from decimal import Decimal
from itertools import count

import pytest
from PIL import Image
from django.core.cache import cache
from django.utils import timezone

from catalog.images import ingest_image
from catalog.models import Attribute, Price, ProductImage
from publishing.models import Channel, ChannelToken, ProductSnapshot
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.factories import (
    make_attribute, make_brand, make_category, make_option, make_product, make_store, make_variant,
)
from tests.publishing.helpers import make_channel

GTIN = "4006381333931"
_colours = count(1)


def make_image(product, role=ProductImage.Role.MAIN, variant=None):
    """A real picture in storage (a colour of its own, so a file of its own),
    so the links a feed sends can be checked to resolve."""
    shade = next(_colours)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade % 256, shade // 256 % 256, 90)).save(out, "PNG")
    image = ProductImage(product=product, variant=variant, image_file=ingest_image(out.getvalue(), renditions=False),
                         role=role)
    image.set_current_language("en")
    image.alt = product.sku
    image.save()
    return image


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def channel(db):
    # Completeness is not required, so a product without a price is published
    # and the export, not the publishing gate, has to leave it out.
    return make_channel("gmc", languages=("en", "fi"), kind=Channel.Kind.MARKETPLACE, feed_label="fi",
                        requires_complete=False)


@pytest.fixture
def catalog(channel):
    """A drill (GTIN, two stores), a T-shirt with colour × size variants, a product without a price,
    and a discontinued drill replaced by the current one (its page redirects there)."""
    tools = make_category("tools", names={"en": "Tools", "fi": "Työkalut"})
    tools.google_product_category = "1167"
    tools.save()
    drills = make_category("drills", parent=tools, names={"en": "Drills", "fi": "Porakoneet"})
    brand = make_brand(name="Nordtool")
    kamppi = make_store("kamppi")
    itis = make_store("itis", names={"en": "Itis store", "fi": "Itäkeskus"})
    drill = make_product(
        "DRILL-1", names={"en": "Cordless drill", "fi": "Akkuporakone"}, brand=brand, categories=[drills],
        price="129.9", stock={kamppi: 4, itis: 0}, gtin=GTIN, mpn="ND-18", weight_grams=1450,
    )
    drill.set_current_language("en")
    drill.description = "<p>Two <b>speeds</b> &amp; LED light.</p><ul><li>18 V</li></ul>"
    drill.save()
    make_image(drill)
    make_image(drill, role="gallery")

    colour = make_attribute("color", type=Attribute.Type.SELECT, labels={"en": "Colour", "fi": "Väri"})
    size = make_attribute("size", type=Attribute.Type.SELECT, labels={"en": "Size", "fi": "Koko"})
    red = make_option(colour, "red", {"en": "Red", "fi": "Punainen"})
    blue = make_option(colour, "blue", {"en": "Blue", "fi": "Sininen"})
    medium = make_option(size, "m", {"en": "M", "fi": "M"})
    shirt = make_product("SHIRT-1", names={"en": "Work shirt", "fi": "Työpaita"}, brand=brand,
                         categories=[tools], price="19.90")
    make_image(shirt)
    make_variant(shirt, "SHIRT-1-RED-M", axis_values=[red, medium])
    blue_variant = make_variant(shirt, "SHIRT-1-BLUE-M", axis_values=[blue, medium])
    Price.objects.create(price_list=channel.price_list, product=shirt, variant=blue_variant, amount=Decimal("21.50"))

    broken = make_product("NOPRICE-1", names={"en": "Mystery box", "fi": "Yllätyslaatikko"}, brand=brand)
    make_image(broken)

    old = make_product("OLD-DRILL-1", names={"en": "Corded drill", "fi": "Verkkoporakone"}, brand=brand,
                       categories=[drills], price="59.90", stock={kamppi: 2}, mpn="ND-10",
                       status="discontinued", replacement=drill)
    make_image(old)

    publish_channel(channel)
    # The web channel serves the product pages the feed links to.
    web = make_channel("web", languages=("en", "fi"), price_list=channel.price_list, requires_complete=False)
    publish_channel(web)
    stamp_pending()
    return {"drill": drill, "shirt": shirt, "broken": broken, "old": old, "stores": (kamppi, itis)}


@pytest.fixture
def token(channel):
    _token, raw = ChannelToken.issue(channel, name="merchant center")
    return raw


def bulk_documents(channel, count, locale="en", prefix="BULK"):
    """``count`` published documents written directly (fast set-up for size tests)."""
    now = timezone.now()
    ProductSnapshot.objects.bulk_create([
        ProductSnapshot(
            channel=channel, sku=f"{prefix}{i:06d}", locale=locale, content_hash=f"{prefix}{i}", seq=i,
            pending=False, updated_at=now, document=document(f"{prefix}{i:06d}", locale, i),
        )
        for i in range(1, count + 1)
    ], batch_size=500)


def document(sku, locale, i=1, **changes):
    doc = {
        "sku": sku, "deleted": False, "locale": locale, "name": f"Дрель {i} Őrült",
        "short_description": "<p>Kevyt</p>",
        "description": "<p>" + "Двухскоростная дрель. " * 20 + "</p>",
        "brand": "Nordtool", "gtin": None, "mpn": f"MPN-{i}",
        "categories": [{"code": "drills", "name": "Дрели", "path": "Инструменты > Дрели",
                        "google_product_category": "1167"}],
        "url": f"http://127.0.0.1:8000/{locale}/p/drill-{i}/",
        "price": {"amount": f"{10 + i % 90}.90", "currency": "EUR", "includes_vat": True},
        "availability": "in_stock", "available_from": None, "quantity": 3, "weight_grams": 900,
        "stores": [{"code": "s1", "name": "Store", "availability": "in_stock", "quantity": 3}],
        "images": [{"url": f"http://127.0.0.1:8000/media/images/{i}.jpg", "alt": "", "width": 800,
                    "height": 600, "role": "main", "renditions": []}],
        "attributes": [
            {"code": "voltage", "label": "Напряжение", "value": 18, "display": "18 В", "unit": "V"},
        ],
        "variants": [], "status": "active", "fallback": [], "updated_at": "2026-01-01T00:00:00+00:00",
    }
    doc.update(changes)
    return doc

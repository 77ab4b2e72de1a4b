import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Attribute, Price, ProductRelation
from publishing.documents import build_document, content_hash, document_queryset, product_url
from publishing.models import TextOverride
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_product,
    make_store, make_variant, set_value,
)

from .helpers import make_channel, make_complete_product, make_image


def load(product, channel=None):
    return document_queryset(channel).get(pk=product.pk)


@pytest.fixture
def channel(settings):
    settings.PIM_BASE_URL = "https://shop.example"
    settings.PIM_MEDIA_URL = "https://cdn.example/media/"
    return make_channel("web", languages=("en", "fi", "ru"))


@pytest.mark.django_db
def test_document_shape_and_values(channel):
    tools = make_category("tools", names={"en": "Tools", "fi": "Työkalut"})
    drills = make_category("drills", parent=tools, names={"en": "Drills", "fi": "Porakoneet"})
    kamppi = make_store("kamppi", names={"en": "Kamppi store", "fi": "Kampin myymälä"})
    itis = make_store("itis", names={"en": "Itis store", "fi": "Itiksen myymälä"})
    product = make_complete_product(
        sku="DRILL-1", names={"en": "Cordless drill", "fi": "Akkuporakone"}, price="129.9",
        brand=make_brand(name="Nordtool"), categories=[drills], gtin="4006381333931",
        stock={kamppi: 3, itis: 0},
    )
    weight = make_attribute("weight", Attribute.Type.MEASUREMENT, unit="kg", labels={"en": "Weight", "fi": "Paino"})
    set_value(product, weight, "1.5")

    en = build_document(load(product, channel), channel, "en")
    fi = build_document(load(product, channel), channel, "fi")

    assert en["sku"] == "DRILL-1" and en["deleted"] is False and en["locale"] == "en"
    assert en["name"] == "Cordless drill" and fi["name"] == "Akkuporakone"
    assert en["brand"] == "Nordtool" and en["gtin"] == "4006381333931"
    assert fi["categories"] == [{"code": "drills", "name": "Porakoneet", "path": "Työkalut > Porakoneet"}]
    assert en["price"] == {"amount": "129.90", "currency": "EUR", "includes_vat": True}
    assert en["availability"] == "in_stock"
    assert fi["stores"] == [
        {"code": "itis", "name": "Itiksen myymälä", "availability": "out_of_stock", "quantity": 0},
        {"code": "kamppi", "name": "Kampin myymälä", "availability": "in_stock", "quantity": 3},
    ]
    assert fi["url"] == "https://shop.example/fi/p/akkuporakone-drill-1/"
    image = en["images"][0]
    assert image["url"].startswith("https://cdn.example/media/images/")
    assert (image["width"], image["height"], image["alt"]) == (1600, 1200, "A drill")
    assert {(r["width"], r["format"]) for r in image["renditions"]} == {
        (w, f) for w in (320, 640, 1280) for f in ("webp", "jpeg")
    }
    assert all(r["url"].startswith("https://cdn.example/media/") for r in image["renditions"])
    assert fi["attributes"] == [
        {"code": "weight", "label": "Paino", "value": 1.5, "display": "1,5 kg", "unit": "kg"},
    ]
    assert en["attributes"][0]["display"] == "1.5 kg"
    assert en["fallback"] == [] and fi["fallback"] == []
    for key in ("short_description", "description", "variants", "relations", "updated_at"):
        assert key in en
    json.dumps(en)  # plain JSON


@pytest.mark.django_db
def test_renditions_never_upscale(channel):
    product = make_product(price="1")
    make_image(product, width=700, height=500)
    doc = build_document(load(product, channel), channel, "en")
    assert sorted({r["width"] for r in doc["images"][0]["renditions"]}) == [320, 640]


@pytest.mark.django_db
def test_cyrillic_survives_and_missing_language_falls_back_visibly(channel):
    product = make_complete_product(names={"en": "Drill", "ru": "Дрель аккумуляторная"})
    doc = build_document(load(product, channel), channel, "ru")
    assert doc["name"] == "Дрель аккумуляторная"
    assert "Дрель" in json.dumps(doc, ensure_ascii=False)
    assert doc["url"] == "https://shop.example/ru/p/%D0%B4%D1%80%D0%B5%D0%BB%D1%8C-" + \
        "%D0%B0%D0%BA%D0%BA%D1%83%D0%BC%D1%83%D0%BB%D1%8F%D1%82%D0%BE%D1%80%D0%BD%D0%B0%D1%8F-" + \
        product.sku.lower() + "/"
    fi = build_document(load(product, channel), channel, "fi")
    assert fi["name"] == "Drill"
    assert fi["fallback"] == ["name", "short_description", "description", "url"]
    assert fi["url"].startswith("https://shop.example/fi/p/drill-")


@pytest.mark.django_db
def test_no_fallback_in_a_language_that_forbids_it():
    channel = make_channel("strict", languages=("en", "hu"), no_fallback=("hu",))
    product = make_complete_product(names={"en": "Drill"})
    doc = build_document(load(product, channel), channel, "hu")
    assert doc["name"] == "" and doc["fallback"] == []


@pytest.mark.django_db
def test_measurements_are_formatted_per_locale():
    channel = make_channel("all", languages=("en", "fi", "hu", "ru", "bg"))
    product = make_complete_product(names={"en": "Drill"})
    weight = make_attribute("weight", Attribute.Type.MEASUREMENT, unit="kg", decimal_places=1)
    length = make_attribute("length", Attribute.Type.MEASUREMENT, unit="mm")
    cordless = make_attribute("cordless", Attribute.Type.BOOLEAN)
    set_value(product, weight, "1.5")
    set_value(product, length, "1234")
    set_value(product, cordless, True)
    loaded = load(product, channel)
    displays = {
        lang: {a["code"]: a["display"] for a in build_document(loaded, channel, lang)["attributes"]}
        for lang in ("en", "fi", "hu", "ru", "bg")
    }
    assert displays["en"] == {"weight": "1.5 kg", "length": "1,234 mm", "cordless": "Yes"}
    assert displays["fi"]["weight"] == "1,5 kg" and displays["fi"]["length"] == "1\xa0234 mm"
    assert displays["hu"]["weight"] == "1,5 kg"
    assert displays["ru"]["weight"] == "1,5 кг" and displays["ru"]["length"] == "1\xa0234 мм"
    assert displays["bg"]["weight"] == "1,5 кг"
    assert displays["fi"]["cordless"] == "Kyllä"


@pytest.mark.django_db
def test_hidden_attributes_are_left_out_and_options_are_translated():
    channel = make_channel("reseller-web")
    colour = make_attribute("colour", Attribute.Type.SELECT, labels={"en": "Colour", "fi": "Väri"})
    red = make_option(colour, "red", {"en": "Red", "fi": "Punainen"})
    margin = make_attribute("margin", Attribute.Type.NUMBER)
    channel.hidden_attributes.add(margin)
    product = make_complete_product()
    set_value(product, colour, red)
    set_value(product, margin, "12")
    doc = build_document(load(product, channel), channel, "fi")
    assert doc["attributes"] == [
        {"code": "colour", "label": "Väri", "value": "red", "display": "Punainen", "unit": None},
    ]


@pytest.mark.django_db
def test_localizable_attribute_falls_back_and_is_listed(channel):
    claim = make_attribute("claim", localizable=True)
    product = make_complete_product()
    set_value(product, claim, "Durable", language="en")
    doc = build_document(load(product, channel), channel, "fi")
    assert doc["attributes"][0]["value"] == "Durable"
    assert "attr:claim" in doc["fallback"]


@pytest.mark.django_db
def test_override_wins_only_in_its_channel_and_language(channel):
    marketplace = make_channel("market", languages=("en", "fi"))
    product = make_complete_product(names={"en": "Cordless drill 18 V with two batteries", "fi": "Akkuporakone"})
    TextOverride.objects.create(product=product, channel=marketplace, language_code="en", field="name", value="Drill 18V")
    TextOverride.objects.create(product=product, channel=marketplace, language_code="en", field="note", value="Ships in 2 days")
    assert build_document(load(product, marketplace), marketplace, "en")["name"] == "Drill 18V"
    assert build_document(load(product, marketplace), marketplace, "en")["note"] == "Ships in 2 days"
    assert build_document(load(product, marketplace), marketplace, "fi")["name"] == "Akkuporakone"
    assert build_document(load(product, channel), channel, "en")["name"] == "Cordless drill 18 V with two batteries"
    # without a channel filter in the loading plan the builder still picks its own channel's override
    assert build_document(load(product), channel, "en")["name"] == "Cordless drill 18 V with two batteries"
    assert build_document(load(product), marketplace, "en")["name"] == "Drill 18V"


@pytest.mark.django_db
def test_price_from_channel_price_list_with_open_sale(channel):
    reseller = make_price_list("reseller", includes_vat=False)
    reseller_channel = make_channel("b2b", price_list=reseller)
    product = make_complete_product(price="100")
    Price.objects.create(price_list=reseller, product=product, amount=Decimal("80"))
    now = timezone.now()
    Price.objects.create(
        price_list=channel.price_list, product=product, amount=Decimal("79.5"),
        valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=1),
    )
    Price.objects.create(  # a future sale is not shown yet
        price_list=channel.price_list, product=product, amount=Decimal("50"), valid_from=now + timedelta(days=5),
    )
    doc = build_document(load(product, channel), channel, "en", now=now)
    assert doc["price"]["amount"] == "100.00"
    assert doc["price"]["sale"] == {
        "amount": "79.50", "from": (now - timedelta(days=1)).isoformat(), "until": (now + timedelta(days=1)).isoformat(),
    }
    b2b = build_document(load(product, reseller_channel), reseller_channel, "en", now=now)
    assert b2b["price"] == {"amount": "80.00", "currency": "EUR", "includes_vat": False}


@pytest.mark.django_db
def test_variants_with_axes_prices_and_availability(channel):
    size = make_attribute("size", Attribute.Type.SELECT, labels={"en": "Size", "fi": "Koko"}, is_variant_axis=True)
    small = make_option(size, "s", {"en": "Small", "fi": "Pieni"})
    large = make_option(size, "l", {"en": "Large", "fi": "Suuri"})
    store = make_store("kamppi")
    product = make_product(sku="GLOVE", names={"en": "Glove", "fi": "Käsine"})
    make_image(product)
    v_small = make_variant(product, sku="GLOVE-S", axis_values=[small])
    v_large = make_variant(product, sku="GLOVE-L", axis_values=[large])
    Price.objects.create(price_list=channel.price_list, product=product, variant=v_small, amount=Decimal("9.90"))
    Price.objects.create(price_list=channel.price_list, product=product, variant=v_large, amount=Decimal("11.90"))
    from catalog.models import Stock

    Stock.objects.create(store=store, product=product, variant=v_large, quantity=4)
    make_image(product, variant=v_large, role="gallery")
    doc = build_document(load(product, channel), channel, "fi")
    assert doc["price"] == {"amount": "9.90", "currency": "EUR", "includes_vat": True, "from": True}
    assert doc["availability"] == "in_stock"
    variants = {v["sku"]: v for v in doc["variants"]}
    assert variants["GLOVE-S"]["axes"] == {"size": "Pieni"}
    assert variants["GLOVE-S"]["availability"] == "out_of_stock"
    assert variants["GLOVE-L"]["availability"] == "in_stock"
    assert variants["GLOVE-L"]["price"]["amount"] == "11.90"
    assert len(variants["GLOVE-L"]["images"]) == 1 and variants["GLOVE-S"]["images"] == []
    assert len(doc["images"]) == 1  # the variant's image is not the product's


@pytest.mark.django_db
def test_availability_preorder_and_backorder(channel):
    future = timezone.localdate() + timedelta(days=10)
    preorder = make_complete_product(available_from=future)
    backorder = make_complete_product(backorder_allowed=True)
    doc = build_document(load(preorder, channel), channel, "en")
    assert doc["availability"] == "preorder" and doc["available_from"] == future.isoformat()
    assert build_document(load(backorder, channel), channel, "en")["availability"] == "backorder"


@pytest.mark.django_db
def test_relations_and_content_hash_ignores_updated_at(channel):
    product = make_complete_product(names={"en": "Drill", "fi": "Pora"})
    battery = make_complete_product(names={"en": "Battery", "fi": "Akku"})
    ProductRelation.objects.create(product=product, related=battery, kind="accessory")
    doc = build_document(load(product, channel), channel, "fi")
    assert doc["relations"] == [
        {"kind": "accessory", "sku": battery.sku, "name": "Akku", "url": product_url("fi", f"akku-{battery.sku.lower()}")},
    ]
    other = dict(doc, updated_at="2000-01-01T00:00:00+00:00")
    assert content_hash(doc) == content_hash(other)
    assert content_hash(doc) != content_hash(dict(doc, name="Other"))


def _make_catalog(count, channel):
    family = make_family()
    colour = make_attribute(None, Attribute.Type.MULTI_SELECT)
    options = [make_option(colour, f"o{i}", {"en": f"O{i}", "fi": f"V{i}"}) for i in range(2)]
    weight = make_attribute(None, Attribute.Type.MEASUREMENT, unit="kg")
    category = make_category(parent=make_category())
    store = make_store()
    size = make_attribute(None, Attribute.Type.SELECT, is_variant_axis=True)
    small = make_option(size, "s", {"en": "S"})
    previous = None
    for _ in range(count):
        product = make_complete_product(
            family=family, categories=[category], brand=make_brand(), stock={store: 2},
        )
        set_value(product, weight, "2.5")
        set_value(product, colour, options)
        variant = make_variant(product, axis_values=[small])
        Price.objects.create(price_list=channel.price_list, product=product, variant=variant, amount=Decimal("5"))
        TextOverride.objects.create(product=product, channel=channel, language_code="fi", field="name", value="X")
        if previous is not None:
            ProductRelation.objects.create(product=product, related=previous, kind="similar")
        previous = product


def _queries_to_build(channel, locales=("en", "fi")):
    from publishing.models import Channel

    channel = Channel.objects.get(pk=channel.pk)
    with CaptureQueriesContext(connection) as queries:
        products = list(document_queryset(channel))
        documents = [build_document(p, channel, locale) for p in products for locale in locales]
    return len(queries), len(documents)


@pytest.mark.django_db
def test_building_documents_costs_constant_queries(channel):
    _make_catalog(10, channel)
    few, built = _queries_to_build(channel)
    assert built == 20
    _make_catalog(90, channel)
    many, built = _queries_to_build(channel)
    assert built == 200
    assert few == many
    assert 10 < many < 40, many


@pytest.mark.django_db
def test_iterating_in_chunks_keeps_the_loading_plan(channel):
    parent = make_category("garden", names={"en": "Garden", "fi": "Puutarha"})
    child = make_category("rakes", parent=parent, names={"en": "Rakes", "fi": "Haravat"})
    for _ in range(3):
        make_complete_product(categories=[child])
    documents = [
        build_document(p, channel, "fi") for p in document_queryset(channel).iterator(chunk_size=2)
    ]
    assert [d["categories"][0]["path"] for d in documents] == ["Puutarha > Haravat"] * 3

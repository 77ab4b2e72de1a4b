"""Property: any product the catalog accepts yields a valid document for
every channel and language.

Products are generated as write-API payloads (the validation the admin,
the import and the API share: ``catalog.services``) with names in every
language — Cyrillic, Hungarian and Finnish letters, emoji, any Unicode —,
values of every attribute type, variants on an axis, prices (also sale
prices) and stock; a payload the catalog refuses is not a product and is
skipped. Each accepted product is built for every channel (fallback allowed
or not, VAT in or out, its own price list or none) and every language, and
the document must be JSON as the feed sends it, carry every key of the feed
contract, have absolute RFC 3986 URLs and decimal-string prices.
"""

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given, reject, settings as hypothesis_settings, strategies as st

from catalog import services
from catalog.models import Attribute, Product
from publishing.completeness import assess
from publishing.documents import build_document, document_queryset
from tests.factories import make_attribute, make_brand, make_category, make_option, make_price_list, make_store
from tests.publishing.helpers import make_channel, make_image

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CONTRACT_KEYS = {
    "sku", "deleted", "locale", "name", "short_description", "description", "brand", "gtin", "categories",
    "url", "price", "availability", "stores", "images", "attributes", "variants", "fallback", "updated_at",
}
AVAILABILITY = {"in_stock", "out_of_stock", "preorder", "backorder"}
# RFC 3986: unreserved / reserved characters and %XX escapes, nothing else.
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$")
AMOUNT = re.compile(r"^\d+\.\d{2}$")
SAMPLES = [
    "Аккумуляторная дрель 18 В", "Őrült fúró – ű ő", "Äänekäs pölynimuri ö", "Чук 🔨", "🪚🪚", "Ж",
    "Trapano \u00e0 percussion", "a/b?c#d", "100% <b>bold</b> & \"quoted\"", "Пила Ёё ъ",
]

_skus = count(1)

text = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
).filter(lambda value: value.strip())
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2, allow_nan=False)


@pytest.fixture
def references(db):
    """Reference data of every kind an attribute value can point at."""
    refs = {
        "number": make_attribute("weight_g", Attribute.Type.NUMBER, labels={"en": "Weight", "ru": "Вес"}),
        "measure": make_attribute("power", Attribute.Type.MEASUREMENT, unit="W", labels={"en": "Power"}),
        "flag": make_attribute("cordless", Attribute.Type.BOOLEAN, labels={"hu": "Akkus"}),
        "date": make_attribute("released", Attribute.Type.DATE, labels={"fi": "Julkaistu"}),
        "select": make_attribute("colour", Attribute.Type.SELECT, labels={"en": "Colour"}, is_variant_axis=True),
        "multi": make_attribute("features", Attribute.Type.MULTI_SELECT, labels={"bg": "Функции"}),
        "text": make_attribute("material", Attribute.Type.TEXT, labels={"en": "Material"}),
        "note": make_attribute("note", Attribute.Type.TEXT, localizable=True, labels={"ru": "Примечание"}),
    }
    options = {
        "select": [make_option(refs["select"], code, labels) for code, labels in (
            ("red", {"en": "Red", "ru": "Красный"}), ("blue", {"fi": "Sininen"}), ("green", {}))],
        "multi": [make_option(refs["multi"], code, labels) for code, labels in (
            ("led", {"en": "LED"}), ("brushless", {"hu": "Szénkefe nélküli ő"}))],
    }
    retail = make_price_list("retail")
    reseller = make_price_list("reseller")
    make_brand("nordtool", "Nordtool Ő")
    parent = make_category("tools", names={"en": "Tools", "ru": "Инструменты"})
    make_category("drills", parent=parent, names={"fi": "Porakoneet", "bg": "Бормашини"})
    stores = [make_store("hel", names={"en": "Helsinki", "ru": "Хельсинки"}), make_store("bud", names={})]
    channels = [
        make_channel("web", languages=LANGUAGES, price_list=retail),
        make_channel("strict", languages=("fi", "ru", "bg"), no_fallback=("ru", "bg"), price_list=reseller),
    ]
    unpriced = make_channel("unpriced", languages=("hu", "en"), price_list=retail)
    unpriced.price_list = None
    unpriced.save()
    channels.append(unpriced)
    # web without fallback anywhere: what a document that did not fall back must equal
    no_fallback = make_channel("web-strict", languages=LANGUAGES, no_fallback=LANGUAGES, price_list=retail)
    return {"attributes": refs, "options": options, "stores": stores, "channels": channels,
            "no_fallback": no_fallback}


@st.composite
def payloads(draw):
    """A write-API payload: texts in a random set of languages, typed
    attribute values, variants on the colour axis, prices and stock."""
    sku = f"PROP-{next(_skus)}"
    languages = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=5, unique=True))
    translations = {}
    for language in languages:
        fields = {"name": draw(text)}
        if draw(st.booleans()):
            fields["short_description"] = f"<p>{draw(text)}</p>"
        if draw(st.booleans()):
            fields["description"] = draw(text)
        if draw(st.booleans()):
            fields["marketing_claims"] = "\n".join(draw(st.lists(text, max_size=3)))
        translations[language] = fields
    attributes = []
    if draw(st.booleans()):
        attributes.append({"code": "weight_g", "locale": None,
                           "value": str(draw(st.decimals(min_value=0, max_value=10**6, places=3)))})
    if draw(st.booleans()):
        attributes.append({"code": "power", "locale": None, "value": draw(st.integers(0, 5000))})
    if draw(st.booleans()):
        attributes.append({"code": "cordless", "locale": None, "value": draw(st.booleans())})
    if draw(st.booleans()):
        day = date(2000, 1, 1) + timedelta(days=draw(st.integers(0, 20000)))
        attributes.append({"code": "released", "locale": None, "value": day.isoformat()})
    if draw(st.booleans()):
        attributes.append({"code": "colour", "locale": None, "value": draw(st.sampled_from(["red", "blue", "green"]))})
    if draw(st.booleans()):
        attributes.append({"code": "features", "locale": None,
                           "value": draw(st.lists(st.sampled_from(["led", "brushless"]), unique=True))})
    if draw(st.booleans()):
        attributes.append({"code": "material", "locale": None, "value": draw(text)})
    for language in draw(st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True)):
        attributes.append({"code": "note", "locale": language, "value": draw(text)})
    colours = draw(st.lists(st.sampled_from(["red", "blue", "green"]), max_size=3, unique=True))
    variants = [{"sku": f"{sku}-{colour}", "axes": {"colour": colour}} for colour in colours]
    prices = []
    for price_list in draw(st.lists(st.sampled_from(["retail", "reseller"]), max_size=2, unique=True)):
        prices.append({"price_list": price_list, "variant": None, "amount": str(draw(amounts))})
    if variants and draw(st.booleans()):
        prices.append({"price_list": "retail", "variant": variants[0]["sku"], "amount": str(draw(amounts))})
    if draw(st.booleans()):
        now = timezone.now()
        prices.append({"price_list": "retail", "variant": None, "amount": str(draw(amounts)),
                       "valid_from": (now - timedelta(days=1)).isoformat(),
                       "valid_until": (now + timedelta(days=draw(st.integers(1, 30)))).isoformat()})
    stock = [{"store": store, "variant": None, "quantity": draw(st.integers(-5, 500))}
             for store in draw(st.lists(st.sampled_from(["hel", "bud"]), max_size=2, unique=True))]
    if variants and draw(st.booleans()):
        stock.append({"store": "hel", "variant": variants[-1]["sku"], "quantity": draw(st.integers(0, 9))})
    return {
        "sku": sku,
        "status": draw(st.sampled_from(["active", "discontinued"])),
        "brand": draw(st.sampled_from([None, "nordtool"])),
        "categories": draw(st.lists(st.sampled_from(["tools", "drills"]), unique=True)),
        "gtin": draw(st.sampled_from(["", "6417182000010", "4006381333931"])),
        "translations": translations,
        "attributes": attributes,
        "variants": variants,
        "prices": prices,
        "stock": stock,
    }, draw(st.lists(st.dictionaries(st.sampled_from(LANGUAGES), text, max_size=3), min_size=1, max_size=2))


def assert_uri(url, prefix):
    assert isinstance(url, str) and url.startswith(prefix), url
    assert URI_CHARS.match(url), f"not RFC 3986: {url!r}"
    assert url.encode("ascii")


def assert_price(block):
    if block is None:
        return
    assert isinstance(block["amount"], str) and AMOUNT.match(block["amount"]), block
    assert block["currency"] == "EUR" and isinstance(block["includes_vat"], bool)
    if "sale" in block:
        assert AMOUNT.match(block["sale"]["amount"]) and Decimal(block["sale"]["amount"]) < Decimal(block["amount"])


def assert_valid(document, product, channel, locale, publishable):
    """``publishable``: the completeness gate lets this language out; a
    withheld one (no text and no fallback allowed) may lack a page URL."""
    # Exactly what the feed sends: plain JSON, no Decimal, date or lazy string.
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    missing = CONTRACT_KEYS - set(document)
    assert not missing, f"missing keys {missing}"
    assert document["sku"] == product.sku and document["locale"] == locale and document["deleted"] is False
    for key in ("name", "short_description", "description"):
        assert isinstance(document[key], str)
    if publishable:
        assert document["name"].strip()
        assert_uri(document["url"], f"{settings.PIM_BASE_URL}/{locale}/p/")
        if channel.price_list_id:
            assert document["price"] is not None or any(v["price"] for v in document["variants"])
    elif document["url"] is not None or document["name"]:
        # A name in this language (or its fallback) comes with a page.
        assert_uri(document["url"], f"{settings.PIM_BASE_URL}/{locale}/p/")
    assert_price(document["price"])
    assert document["availability"] in AVAILABILITY
    for store in document["stores"]:
        assert {"code", "name", "availability", "quantity"} <= set(store) and store["quantity"] >= 0
        assert store["availability"] in AVAILABILITY
    for image in document["images"]:
        assert_uri(image["url"], settings.PIM_MEDIA_URL)
        for rendition in image["renditions"]:
            assert_uri(rendition["url"], settings.PIM_MEDIA_URL)
    for category in document["categories"]:
        assert {"code", "name", "path"} <= set(category)
    for attribute in document["attributes"]:
        assert {"code", "label", "value", "display"} <= set(attribute)
        assert isinstance(attribute["display"], str) and attribute["display"]
    for variant in document["variants"]:
        assert variant["sku"].startswith(product.sku)
        assert variant["availability"] in AVAILABILITY
        assert_price(variant["price"])
    assert isinstance(document["fallback"], list)
    assert document["updated_at"]


@pytest.mark.slow
@hypothesis_settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(example=payloads())
def test_every_accepted_product_yields_a_valid_document_everywhere(references, example):
    payload, image_alts = example
    try:
        product = services.create_product(payload)
    except services.ProductValidationError:
        reject()  # not a product the catalog accepts
    for alts in image_alts:
        make_image(product, alt=alts or {"en": ""})
    product = document_queryset().get(pk=product.pk)
    now = timezone.now()
    for channel in references["channels"]:
        for locale in [language.language_code for language in channel.languages.all()]:
            fell_back = []
            document = build_document(product, channel, locale, now=now, fell_back=fell_back)
            _score, missing = assess(product, channel, locale)
            assert_valid(document, product, channel, locale, publishable=not missing)
            if channel.price_list_id is None:
                assert document["price"] is None
            if channel.code == "web" and not fell_back:
                # The engine shares such a document with channels that forbid fallback.
                strict = build_document(product, references["no_fallback"], locale, now=now)
                assert strict == document, locale

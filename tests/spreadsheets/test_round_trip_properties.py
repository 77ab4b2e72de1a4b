"""Property: any catalog the write API accepts survives export_products →
import_products unchanged, in CSV and in XLSX.

Catalogs of one to three products are generated as write-API payloads
(``catalog.services.create_product``, the validation the admin, the import
and the API share): texts in a random set of the five languages —
Cyrillic, ő ű ä ö, text a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``), leading apostrophes, the multi-value separator ``|`` inside a
text, several lines —, empty values, multi-select values, measurements,
prices and stock. The catalog is exported, then blanked and changed in the
database (texts, values, prices, stock, the MPN), and the export imported
back: everything the sheet carries must equal the original again.
"""

from decimal import Decimal
from itertools import count

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, reject, settings as hypothesis_settings, strategies as st

from catalog import services
from catalog.models import Attribute, AttributeValue, Price, Product, Stock
from tests.factories import make_attribute, make_brand, make_category, make_option, make_price_list, make_store

from .helpers import export_bytes, run_import, state

LANGUAGES = [code for code, _name in settings.LANGUAGES]
FEATURES = ("led", "brushless", "case")
ROW_CHOICES = {
    "status": ["active", "discontinued"], "brand": [None, "nordtool"],
    "gtin": ["", "6417182000010", "4006381333931"],
}
PREFIXES = ("", "", "=", "+", "-", "@", "'", "''", "'=", "=SUM(A1:A9)")
SAMPLES = [
    "Аккумуляторная дрель 18 В", "Őrült fúró – ű ő", "Äänekäs pölynimuri ö", "Бормашина Ёё ъ",
    "a|b|c", "led|case", "1+1", "100 % \"quoted\", semi;colon", "Line one\nLine two",
]
ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn"),
                         include_characters="őűäöŐŰÄÖЖжЁё|';,=+-@\"")

_skus = count(1)

words = st.one_of(st.sampled_from(SAMPLES), st.text(ALPHABET, min_size=1, max_size=24))
# The admin and the API strip texts; a formula-looking or quoted start is the point.
texts = st.builds(lambda prefix, body: (prefix + body).strip(), st.sampled_from(PREFIXES), words).filter(bool)


@pytest.fixture
def references(db):
    make_brand("nordtool", "Nordtool Ő")
    make_category("tools", names={"en": "Tools", "ru": "Инструменты"})
    make_category("drills", names={"fi": "Porakoneet"})
    make_price_list("retail")
    make_price_list("reseller")
    make_store("hel", names={"en": "Helsinki"})
    make_store("bud", names={"hu": "Budapest"})
    make_attribute("power", Attribute.Type.MEASUREMENT, unit="W", labels={"en": "Power"})
    make_attribute("material", Attribute.Type.TEXT, labels={"en": "Material"})
    make_attribute("note", Attribute.Type.TEXT, localizable=True, labels={"ru": "Примечание"})
    features = make_attribute("features", Attribute.Type.MULTI_SELECT, labels={"bg": "Функции"})
    for code in FEATURES:
        make_option(features, code, {"en": code.title()})


@st.composite
def products(draw):
    sku = f"RT-{next(_skus)}"
    translations = {}
    for language in draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=5, unique=True)):
        fields = {"name": draw(texts)}
        for field in ("short_description", "description"):
            if draw(st.booleans()):
                fields[field] = draw(texts)
        if draw(st.booleans()):
            fields["marketing_claims"] = "\n".join(draw(st.lists(texts, min_size=1, max_size=3)))
        translations[language] = fields
    attributes = []
    if draw(st.booleans()):
        attributes.append({"code": "power", "locale": None, "value": draw(st.integers(0, 5000))})
    if draw(st.booleans()):
        attributes.append({"code": "material", "locale": None, "value": draw(texts)})
    for language in draw(st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True)):
        attributes.append({"code": "note", "locale": language, "value": draw(texts)})
    if draw(st.booleans()):
        attributes.append({"code": "features", "locale": None,
                           "value": draw(st.lists(st.sampled_from(FEATURES), min_size=1, unique=True))})
    amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2, allow_nan=False)
    return {
        "sku": sku,
        **{field: draw(st.sampled_from(choices)) for field, choices in ROW_CHOICES.items()},
        "categories": draw(st.lists(st.sampled_from(["tools", "drills"]), unique=True)),
        "mpn": draw(st.one_of(st.just(""), texts.map(lambda value: value.replace("\n", " ")[:64]))),
        "translations": translations,
        "attributes": attributes,
        "prices": [{"price_list": code, "variant": None, "amount": str(draw(amounts))}
                   for code in draw(st.lists(st.sampled_from(["retail", "reseller"]), max_size=2, unique=True))],
        "stock": [{"store": code, "variant": None, "quantity": draw(st.integers(0, 500))}
                  for code in draw(st.lists(st.sampled_from(["hel", "bud"]), max_size=2, unique=True))],
    }


def _comparable():
    """The sheet's view of the catalog: the state without versions (an
    import that restores values is still an edit)."""
    return {sku: {**entry, "row": entry["row"][:-1]} for sku, entry in state().items()}


def _blank_and_change(skus):
    """Another state of the same products, written behind the sheet's back."""
    ids = list(Product.objects.filter(sku__in=skus).values_list("pk", flat=True))
    Product.translations.field.model.objects.filter(master_id__in=ids).update(
        name="x", short_description="", description="", marketing_claims="",
    )
    Product.objects.filter(pk__in=ids).update(mpn="changed", brand=None, status="discontinued", gtin="")
    Product.categories.through.objects.filter(product_id__in=ids).delete()
    AttributeValue.objects.filter(product_id__in=ids).delete()
    Price.objects.filter(product_id__in=ids).update(amount=Decimal("1.00"))
    Stock.objects.filter(product_id__in=ids).update(quantity=999)
    cache.clear()  # parler's translation cache still holds the texts written above


@pytest.mark.slow
@pytest.mark.parametrize("format", ["csv", "xlsx"])
@hypothesis_settings(
    max_examples=12, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(payloads=st.lists(products(), min_size=1, max_size=3))
def test_export_then_import_restores_the_catalog(references, format, payloads):
    savepoint = transaction.savepoint()  # each example starts from the bare references
    try:
        try:
            for payload in payloads:
                services.create_product(payload)
        except services.ProductValidationError:
            reject()  # not a catalog the write API accepts
        cache.clear()
        original = _comparable()
        data = export_bytes(format)
        _blank_and_change([payload["sku"] for payload in payloads])
        assert _comparable() != original
        report = run_import(data)
        assert report.ok and report.applied, [row.errors for row in report.rows if row.errors]
        cache.clear()
        assert _comparable() == original
    finally:
        transaction.savepoint_rollback(savepoint)
        cache.clear()

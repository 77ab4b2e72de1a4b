"""Export → import is lossless (CSV and XLSX), and one edited cell changes exactly that value."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.models import AttributeOption, AttributeValue, Brand, Price, Product, Stock, Variant

from .conftest import NAMES
from .helpers import content, csv_bytes, csv_rows, export_bytes, run_import, set_cell, state, xlsx_rows

# (name, short description, description, marketing claims) per language, with
# the letters that break naive encodings: ä ö (fi), ő ű (hu), Cyrillic (ru, bg).
TEXTS = {
    "en": ("{name}", "<p>Light, two speeds</p>", "<p>Brushless motor</p>", "Best seller"),
    "fi": ("{name} – käsikahva", "<p>Kevyt ja äänetön</p>", "<p>Pölynpoisto, öljytty vaihteisto</p>",
           "Myydyin työkalu"),
    "hu": ("{name} – erős", "<p>Könnyű, hűvös markolat</p>", "<p>Első sor</p>\n<p>Második sor: Ő ű</p>",
           "-5 % energia\n@ kedvezmény"),
    "ru": ("{name} Ж", "<p>Лёгкая, две скорости</p>", "<p>Бесщёточный двигатель</p>", "Хит продаж"),
    "bg": ("{name} Щ", "<p>Лека, две скорости</p>", "<p>Безчетков двигател – ъ ю я</p>", "Най-продавана"),
}


def fill_every_language(catalog):
    """Every text of both products in all five languages (the shirt had two)."""
    for product in (catalog["drill"], catalog["shirt"]):
        for language, (name, short, description, claims) in TEXTS.items():
            product.set_current_language(language)
            product.name = name.format(name=NAMES[language] if product.sku == "DRILL-1" else f"Paita {language}")
            product.slug = f"{product.sku.lower()}-{language}"
            product.short_description, product.description, product.marketing_claims = short, description, claims
        product.save()
    material = AttributeValue.objects.filter(product=catalog["drill"], attribute__code="material").first().attribute
    for language, text in (("en", "Steel"), ("hu", "Acél ű"), ("bg", "Стомана")):
        AttributeValue.objects.create(product=catalog["drill"], attribute=material, language_code=language,
                                      value_text=text)


def alter_everything():
    """Every value the sheet carries, changed or blanked in the database."""
    other = Brand.objects.get(code="other")
    for product in Product.objects.all():
        product.gtin, product.mpn, product.brand, product.family = "", "CHANGED", other, None
        product.status = Product.Status.DISCONTINUED
        for translation in product.translations.all():
            product.set_current_language(translation.language_code)
            product.name = f"Changed {translation.language_code}"
            product.slug = f"changed-{product.sku.lower()}"
            product.short_description = product.description = "<p>changed</p>"
            product.marketing_claims = "changed"
        product.save()
        product.translations.filter(language_code="bg").delete()
        product.categories.set([])
    AttributeValue.objects.filter(attribute__code="voltage").update(value_number=Decimal("12"))
    AttributeValue.objects.filter(attribute__code="launched").update(value_date=date(2020, 1, 1))
    AttributeValue.objects.filter(attribute__code="material", language_code="ru").update(value_text="Пластик")
    AttributeValue.objects.exclude(attribute__code__in=["voltage", "launched", "material"]).delete()
    Price.objects.update(amount=Decimal("1.00"))
    Stock.objects.update(quantity=99)
    red = Variant.objects.get(sku="SHIRT-1-RED")
    red.gtin = ""
    red.save()
    red.axis_values.set([AttributeOption.objects.get(attribute__code="colour", code="green")])


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_round_trip_changes_nothing(catalog, format):
    before = state()
    data = export_bytes(format)
    report = run_import(data)
    assert report.ok and report.applied
    assert report.counts["create"] == report.counts["update"] == 0
    assert report.counts["unchanged"] == 4  # two products, two variants
    assert state() == before


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("how", ["fresh catalog", "every value changed"])
def test_an_export_rebuilds_the_catalog_in_every_language(catalog, format, how):
    """The export alone restores everything it carries: into a catalog whose
    products are deleted, and over one where every value was changed."""
    fill_every_language(catalog)
    before = content()
    for sku in ("DRILL-1", "SHIRT-1"):
        assert [t[0] for t in before[sku]["translations"]] == ["bg", "en", "fi", "hu", "ru"]
    text = repr(before)
    assert all(letter in text for letter in "äöőűЖЩжщ")
    data = export_bytes(format)

    if how == "fresh catalog":
        Product.objects.all().delete()
        assert content() == {}
    else:
        alter_everything()
        changed = content()
        for sku, product in before.items():
            for key, value in product.items():
                if value:  # an empty list stays empty
                    assert changed[sku][key] != value, (sku, key)
    report = run_import(data)
    assert report.ok and report.applied
    expected = "create" if how == "fresh catalog" else "update"
    assert report.counts[expected] == 4 and report.counts["error"] == 0  # two products, two variants
    assert content() == before
    # and the rebuilt catalog exports to the same sheet, cell for cell
    rows = csv_rows if format == "csv" else xlsx_rows
    assert rows(export_bytes(format)) == rows(data)


def test_export_carries_every_language_and_neutralises_formulas(catalog):
    rows = csv_rows(export_bytes("csv"))
    header, by_sku = rows[0], {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    drill = by_sku["DRILL-1"]
    for language, name in NAMES.items():
        assert drill[f"name[{language}]"] == name
    assert drill["mpn"] == "'=1+1"
    assert drill["marketing_claims[hu]"] == "'-5 % energia\n@ kedvezmény"
    assert drill["attr:features"] == "clutch|led"  # option order, then code
    assert drill["attr:voltage"] == "18.5"
    assert drill["attr:cordless"] == "true"
    assert drill["attr:material[ru]"] == "Сталь"
    assert drill["price:retail"] == "129.90"
    assert drill["stock:kamppi"] == "7"
    assert by_sku["SHIRT-1-RED"]["parent_sku"] == "SHIRT-1"
    assert by_sku["SHIRT-1-RED"]["attr:colour"] == "red"
    assert by_sku["SHIRT-1-RED"]["name[en]"] == ""
    assert header[:2] == ["sku", "parent_sku"]


def test_csv_has_a_bom(catalog):
    assert export_bytes("csv").startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_one_edited_cell_changes_exactly_that_value(catalog, format):
    before = state()
    data = export_bytes(format)
    rows = csv_rows(data) if format == "csv" else xlsx_rows(data)
    set_cell(rows, "DRILL-1", "name[ru]", "Дрель Ж-18")
    report = run_import(csv_bytes(rows))
    assert report.counts["update"] == 1 and report.counts["unchanged"] == 3
    assert report.rows[0].changes == [("name[ru]", NAMES["ru"], "Дрель Ж-18")]
    after = state()
    drill = Product.objects.get(sku="DRILL-1")
    drill.set_current_language("ru")
    assert drill.name == "Дрель Ж-18"
    assert after["SHIRT-1"] == before["SHIRT-1"]
    changed_row = after["DRILL-1"]["row"]
    assert changed_row[-1] == before["DRILL-1"]["row"][-1] + 1  # one version step
    assert changed_row[:-1] == before["DRILL-1"]["row"][:-1]
    for key in ("categories", "values", "variants", "prices", "stock"):
        assert after["DRILL-1"][key] == before["DRILL-1"][key]
    others = [t for t in after["DRILL-1"]["translations"] if t[0] != "ru"]
    assert others == [t for t in before["DRILL-1"]["translations"] if t[0] != "ru"]

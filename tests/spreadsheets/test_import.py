"""Import rules: partial files, clearing, creating, dry runs, variants and prices."""

from decimal import Decimal

import pytest

from catalog.models import AttributeValue, Price, Product, Stock, Variant

from .helpers import csv_bytes, run_import, state


def product(sku, language="en"):
    found = Product.objects.get(sku=sku)
    found.set_current_language(language)
    return found


def test_partial_file_changes_only_its_columns(catalog):
    before = state()
    report = run_import(csv_bytes([["sku", "name[fi]", "price:retail"], ["DRILL-1", "Porakone X", "119.90"]]))
    assert report.counts == {"create": 0, "update": 1, "unchanged": 0, "error": 0}
    after = state()
    assert product("DRILL-1", "fi").name == "Porakone X"
    assert Price.objects.get(product__sku="DRILL-1", price_list__code="retail").amount == Decimal("119.90")
    assert Price.objects.get(product__sku="DRILL-1", price_list__code="reseller").amount == Decimal("99.00")
    for key in ("categories", "values", "variants", "stock"):
        assert after["DRILL-1"][key] == before["DRILL-1"][key]
    assert after["DRILL-1"]["row"][:-1] == before["DRILL-1"]["row"][:-1]
    assert after["DRILL-1"]["row"][-1] == before["DRILL-1"]["row"][-1] + 1
    assert after["SHIRT-1"] == before["SHIRT-1"]


def test_unchanged_rows_keep_their_version(catalog):
    before = state()
    report = run_import(csv_bytes([["sku", "name[fi]", "attr:voltage"], ["DRILL-1", "Akkuporakone", "18.50"]]))
    assert report.counts["unchanged"] == 1 and report.counts["update"] == 0
    assert state() == before


def test_empty_cells_clear_values(catalog):
    run_import(csv_bytes([
        ["sku", "mpn", "brand", "categories", "attr:voltage", "attr:features", "attr:material[ru]", "price:reseller",
         "stock:kamppi", "description[hu]"],
        ["DRILL-1", "", "", "", "", "", "", "", "", ""],
    ]))
    drill = product("DRILL-1", "hu")
    assert drill.mpn == "" and drill.brand_id is None
    assert not drill.categories.exists()
    assert not AttributeValue.objects.filter(product=drill, attribute__code__in=["voltage", "features"]).exists()
    assert not AttributeValue.objects.filter(product=drill, attribute__code="material", language_code="ru").exists()
    assert AttributeValue.objects.filter(product=drill, attribute__code="material", language_code="fi").exists()
    assert list(Price.objects.filter(product=drill).values_list("price_list__code", flat=True)) == ["retail"]
    assert not Stock.objects.filter(product=drill).exists()
    assert drill.description == "" and drill.name == "Őrült fúró"


def test_emptying_every_text_of_a_language_removes_it(catalog):
    texts = ["name[bg]", "slug[bg]", "short_description[bg]", "description[bg]", "marketing_claims[bg]"]
    run_import(csv_bytes([["sku", *texts], ["DRILL-1", "", "", "", "", ""]]))
    assert not product("DRILL-1").has_translation("bg")
    assert product("DRILL-1").has_translation("ru")


def test_new_products_and_variants(catalog):
    rows = [
        ["sku", "parent_sku", "brand", "categories", "name[en]", "name[ru]", "attr:colour", "attr:features",
         "price:retail", "stock:depot"],
        ["CAP-1", "", "nordtool", "tools", "Cap", "Кепка", "", "led|case", "9.90", ""],
        ["CAP-1-RED", "CAP-1", "", "", "", "", "red", "", "10.90", "4"],
        ["SHIRT-1-GREEN", "SHIRT-1", "", "", "", "", "green", "", "22.00", ""],
    ]
    report = run_import(csv_bytes(rows))
    assert report.counts == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    cap = product("CAP-1", "ru")
    assert cap.name == "Кепка" and cap.slug
    assert [v.sku for v in cap.variants.all()] == ["CAP-1-RED"]
    assert Price.objects.get(variant__sku="CAP-1-RED").amount == Decimal("10.90")
    assert Stock.objects.get(variant__sku="CAP-1-RED").quantity == 4
    assert sorted(o.code for o in AttributeValue.objects.get(product=cap, attribute__code="features").options.all()) \
        == ["case", "led"]
    shirt = product("SHIRT-1")
    assert [v.sku for v in shirt.variants.all()] == ["SHIRT-1-BLUE", "SHIRT-1-RED", "SHIRT-1-GREEN"]  # new ones last
    assert Price.objects.get(variant__sku="SHIRT-1-RED").amount == Decimal("19.90")
    assert Stock.objects.get(variant__sku="SHIRT-1-RED").quantity == 3
    assert shirt.version == 2  # one step for the product and all its rows


def test_variant_rows_edit_axes_gtin_and_prices(catalog):
    before = state()
    run_import(csv_bytes([
        ["sku", "parent_sku", "gtin", "attr:colour", "price:retail"],
        ["SHIRT-1-BLUE", "SHIRT-1", "", "green", "25"],
    ]))
    blue = Variant.objects.get(sku="SHIRT-1-BLUE")
    assert [o.code for o in blue.axis_values.all()] == ["green"]
    assert Price.objects.get(variant=blue).amount == Decimal("25.00")
    red = Variant.objects.get(sku="SHIRT-1-RED")
    assert red.gtin == "4006381333931" and [o.code for o in red.axis_values.all()] == ["red"]
    assert state()["SHIRT-1"]["row"][-1] == before["SHIRT-1"]["row"][-1] + 1


def test_dry_run_reports_and_changes_nothing(catalog):
    before = state()
    report = run_import(csv_bytes([
        ["sku", "name[fi]", "attr:voltage"],
        ["DRILL-1", "Uusi nimi", "18.5"],
        ["NEW-1", "Uusi tuote", "12"],
    ]), dry_run=True)
    assert not report.applied
    assert report.counts == {"create": 1, "update": 1, "unchanged": 0, "error": 0}
    assert report.rows[0].changes == [("name[fi]", "Akkuporakone", "Uusi nimi")]
    assert report.rows[1].action == "create"
    assert state() == before
    assert product("DRILL-1", "fi").name == "Akkuporakone"


def test_semicolon_delimiter_and_comma_decimals(catalog):
    run_import(csv_bytes([["sku", "name[hu]", "price:retail"], ["DRILL-1", "Fúró Ő", "139,50"]], delimiter=";"))
    assert product("DRILL-1", "hu").name == "Fúró Ő"
    assert Price.objects.get(product__sku="DRILL-1", price_list__code="retail").amount == Decimal("139.50")


def test_csv_without_bom_is_read_as_utf8(catalog):
    run_import(csv_bytes([["sku", "name[ru]"], ["DRILL-1", "Дрель"]], bom=False))
    assert product("DRILL-1", "ru").name == "Дрель"


def test_formula_like_values_keep_their_text(catalog):
    run_import(csv_bytes([["sku", "mpn", "marketing_claims[en]"], ["DRILL-1", "'=1+1", "'-5 %\n'@home"]]))
    drill = product("DRILL-1")
    assert drill.mpn == "=1+1"
    assert drill.marketing_claims == "-5 %\n'@home"  # only a leading quote is the sheet's own


@pytest.mark.parametrize("value", ["yes", "TRUE", "1"])
def test_boolean_words(catalog, value):
    run_import(csv_bytes([["sku", "attr:cordless"], ["DRILL-1", "false"]]))
    assert AttributeValue.objects.get(product__sku="DRILL-1", attribute__code="cordless").value_bool is False
    run_import(csv_bytes([["sku", "attr:cordless"], ["DRILL-1", value]]))
    assert AttributeValue.objects.get(product__sku="DRILL-1", attribute__code="cordless").value_bool is True


def test_progress_reports_intermediate_values(catalog):
    import io

    from catalog.spreadsheets import importer
    from catalog.spreadsheets.importer import import_file

    rows = [["sku", "name[en]"]] + [[f"BULK-{i}", f"Bulk {i}"] for i in range(12)]
    seen = []
    original = importer.CHUNK, importer.APPLY_CHUNK
    importer.CHUNK = importer.APPLY_CHUNK = 5
    try:
        import_file(io.BytesIO(csv_bytes(rows)), progress=lambda done, total, message=None: seen.append(done))
    finally:
        importer.CHUNK, importer.APPLY_CHUNK = original
    assert any(0 < value < 100 for value in seen) and seen[-1] == 100
    assert seen == sorted(seen)
    assert Product.objects.filter(sku__startswith="BULK-").count() == 12


def test_new_products_get_free_slugs(catalog):
    rows = [["sku", "name[en]"], ["SAME-1", "Cordless drill"], ["SAME-2", "Cordless drill"]]
    run_import(csv_bytes(rows))
    slugs = {sku: product(sku).slug for sku in ("DRILL-1", "SAME-1", "SAME-2")}
    assert len(set(slugs.values())) == 3
    assert slugs["SAME-1"] == "cordless-drill" and slugs["SAME-2"] == "cordless-drill-2"


def test_xlsx_cells_typed_as_numbers_and_dates(catalog):
    import io
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["sku", "price:retail", "stock:kamppi", "attr:launched", "attr:cordless", "gtin"])
    workbook.active.append(["DRILL-1", 119.9, 5, datetime(2026, 4, 1), False, 6414570000027])
    out = io.BytesIO()
    workbook.save(out)
    report = run_import(out.getvalue())
    assert {header for header, _old, _new in report.rows[0].changes} == {
        "price:retail", "stock:kamppi", "attr:launched", "attr:cordless"}
    drill = product("DRILL-1")
    assert Price.objects.get(product=drill, price_list__code="retail").amount == Decimal("119.90")
    assert Stock.objects.get(product=drill).quantity == 5
    values = {v.attribute.code: v for v in AttributeValue.objects.filter(product=drill).select_related("attribute")}
    assert str(values["launched"].value_date) == "2026-04-01" and values["cordless"].value_bool is False

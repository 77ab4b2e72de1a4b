"""Malformed files are refused with an error per row and column, and change nothing."""

import io

import pytest
from openpyxl import Workbook

from catalog.spreadsheets.importer import ImportRefused
from catalog.spreadsheets.reader import FileRefused

from .helpers import csv_bytes, run_import, state


def refused(data, validate_first=True):
    """The (row, column, message) errors of a refused import; the DB must be unchanged."""
    before = state()
    with pytest.raises(ImportRefused) as caught:
        run_import(data, validate_first=validate_first)
    assert state() == before
    return caught.value.report.errors()


def test_latin1_file_is_refused(catalog):
    data = "sku,name[fi]\nDRILL-1,Pora\nDRILL-2,Pöytä\n".encode("latin-1")
    before = state()
    with pytest.raises(FileRefused) as caught:
        run_import(data)
    assert "not UTF-8" in caught.value.message and "row 3" in caught.value.message
    assert caught.value.row == 3
    assert state() == before


def test_old_xls_is_refused(catalog):
    with pytest.raises(FileRefused, match=r"\.xls"):
        run_import(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_missing_sku_column(catalog):
    assert refused(csv_bytes([["name[fi]"], ["Pora"]])) == [
        (1, "sku", "The file has no 'sku' column; every row needs one."),
    ]


def test_unknown_columns_languages_and_attributes(catalog):
    errors = refused(csv_bytes([
        ["sku", "name[xx]", "colour", "attr:nope", "attr:material", "attr:voltage[fi]", "price:vip", "name"],
        ["DRILL-1", "a", "b", "c", "d", "e", "1", "f"],
    ]))
    messages = {column: message for _row, column, message in errors}
    assert all(row == 1 for row, _c, _m in errors)
    assert "Unknown language 'xx'" in messages["name[xx]"]
    assert messages["colour"] == "Unknown column 'colour'."
    assert "Unknown attribute 'nope'" in messages["attr:nope"]
    assert "differs per language" in messages["attr:material"]
    assert "same in every language" in messages["attr:voltage[fi]"]
    assert "Unknown price list 'vip'" in messages["price:vip"]
    assert "needs a language" in messages["name"]


@pytest.mark.parametrize("validate_first", [True, False], ids=["checked-first", "checked-while-writing"])
def test_bad_values_are_reported_per_row_and_column(catalog, validate_first):
    errors = refused(validate_first=validate_first, data=csv_bytes([
        ["sku", "name[en]", "attr:voltage", "attr:colour", "attr:features", "attr:cordless", "price:retail",
         "stock:kamppi", "gtin", "brand"],
        ["DRILL-1", "Drill", "eighteen", "", "", "", "", "", "", ""],
        ["NEW-1", "New", "", "purple", "led|laser", "maybe", "12.345", "many", "123", "acme"],
        ["", "No SKU", "", "", "", "", "", "", "", ""],
        ["NEW-1", "Twice", "", "", "", "", "", "", "", ""],
    ]))
    by_cell = {(row, column): message for row, column, message in errors}
    assert "'eighteen' is not a number" in by_cell[(2, "attr:voltage")]
    assert "Not an option of colour: purple" in by_cell[(3, "attr:colour")]
    assert "Not an option of features: laser" in by_cell[(3, "attr:features")]
    assert by_cell[(3, "attr:cordless")] == "Write true or false."
    assert "decimal places" in by_cell[(3, "price:retail")]
    assert "whole number" in by_cell[(3, "stock:kamppi")]
    assert "GTIN" in by_cell[(3, "gtin")]
    assert "Unknown brand 'acme'" in by_cell[(3, "brand")]
    assert by_cell[(4, "sku")] == "Every row needs a SKU."
    assert "also on row 3" in by_cell[(5, "sku")]


@pytest.mark.parametrize("validate_first", [True, False], ids=["checked-first", "checked-while-writing"])
def test_one_bad_row_keeps_every_good_row_out(catalog, validate_first):
    errors = refused(validate_first=validate_first, data=csv_bytes([
        ["sku", "name[fi]"],
        ["DRILL-1", "Hyvä nimi"],
        ["GOOD-1", "Uusi"],
        ["SHIRT-1", ""],
    ]))
    assert errors == [(4, "name[fi]", "Give the product a name in this language.")]


def test_variant_rows_are_checked(catalog):
    errors = refused(csv_bytes([
        ["sku", "parent_sku", "name[en]", "attr:cordless"],
        ["SHIRT-1-RED", "DRILL-1", "", ""],
        ["V-NEW", "MISSING-1", "", ""],
        ["V-NEW-2", "SHIRT-1", "A name", "true"],
        ["DRILL-1", "SHIRT-1", "", ""],
    ]))
    by_cell = {(row, column): message for row, column, message in errors}
    assert "variant of SHIRT-1" in by_cell[(2, "parent_sku")]
    assert "Unknown product MISSING-1" in by_cell[(3, "parent_sku")]
    assert "belongs to the product row" in by_cell[(4, "name[en]")]
    assert "belongs to the product row" in by_cell[(4, "attr:cordless")]
    assert "is a product, not a variant" in by_cell[(5, "parent_sku")]


def test_duplicate_columns_and_values_without_header(catalog):
    errors = refused(csv_bytes([["sku", "name[en]", "name[en]", ""], ["DRILL-1", "a", "b", "stray"]]))
    assert (1, "name[en]", "The column 'name[en]' is there twice.") in errors


@pytest.mark.parametrize("validate_first", [True, False])
def test_short_csv_row_is_refused_not_read_as_empty_cells(catalog, validate_first):
    header = "sku,name[fi],price:retail,price:reseller"
    data = f"{header}\r\nSHIRT-1,Paita,,\r\nDRILL-1,Pora\r\n".encode()
    errors = refused(data, validate_first=validate_first)
    assert errors == [(3, "", "Row 3 has 2 cells, the header has 4: the row is not read. "
                              "Check its delimiters and quotes.")]
    # the same with Excel's semicolons, and a dry run says so too
    with pytest.raises(ImportRefused) as caught:
        run_import(data.replace(b",", b";"), dry_run=True)
    assert caught.value.report.errors() == errors


def test_trailing_unnamed_header_cells_need_no_cells(catalog):
    # "sku,name[fi],," as some programs save it: the rows may stop after name[fi]
    report = run_import(b"sku,name[fi],,\r\nDRILL-1,Pora\r\n")
    assert report.ok and report.counts["update"] == 1


def test_xlsx_row_without_trailing_cells_reads_them_as_empty(catalog):
    """XLSX stores no empty cells, so a row that stops early is a row whose
    last cells were left empty: those values are cleared, as an empty CSV
    cell would clear them."""
    from catalog.models import Price

    workbook = Workbook()
    workbook.active.append(["sku", "name[fi]", "price:retail", "price:reseller"])
    workbook.active.append(["DRILL-1", "Pora"])
    out = io.BytesIO()
    workbook.save(out)
    report = run_import(out.getvalue())
    assert report.ok and report.counts["update"] == 1
    assert not Price.objects.filter(product__sku="DRILL-1", variant=None).exists()


def test_xlsx_formula_cells_are_refused(catalog):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "name[en]"])
    sheet.append(["DRILL-1", "=CONCAT(\"a\",\"b\")"])
    out = io.BytesIO()
    workbook.save(out)
    errors = refused(out.getvalue())
    assert errors == [(2, "name[en]", "This cell holds a formula; the import reads values only. Paste it as a value.")]


def test_empty_file(catalog):
    with pytest.raises(FileRefused, match="empty"):
        run_import(b"")


def test_rollback_leaves_no_cached_translations(catalog, monkeypatch):
    from django.core.cache import cache
    from parler.cache import get_translation_cache_key

    from catalog.models import Product

    monkeypatch.setattr("catalog.spreadsheets.importer.APPLY_CHUNK", 1)  # one product written before the refusal
    cache.clear()  # nothing left over from other tests
    Product.objects.get(sku="DRILL-1").get_translation("en")  # parler caches the current text
    next_pk = Product.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    errors = refused(validate_first=False, data=csv_bytes([
        ["sku", "name[en]", "gtin"],
        ["DRILL-1", "Renamed drill", "6414570000027"],  # written, then rolled back
        ["FRESH-1", "Fresh product", ""],  # saved, then rolled back
        ["FRESH-2", "Bad GTIN", "4006381333932"],
    ]))
    assert errors == [(4, "gtin", "The GTIN check digit is wrong.")]
    assert not Product.objects.filter(sku="FRESH-1").exists()
    translation = Product._parler_meta.root_model
    assert cache.get(get_translation_cache_key(translation, next_pk, "en")) is None
    drill = Product.objects.get(sku="DRILL-1")
    drill.set_current_language("en")
    assert drill.name == "Cordless drill"


def test_import_leaves_no_stale_cached_translations(catalog):
    from catalog.models import Product

    drill = Product.objects.get(sku="DRILL-1")
    drill.set_current_language("en")
    assert drill.name == "Cordless drill"  # now in parler's cache
    run_import(csv_bytes([["sku", "name[en]"], ["DRILL-1", "Renamed drill"]]))
    drill = Product.objects.get(sku="DRILL-1")
    drill.set_current_language("en")
    assert drill.name == "Renamed drill"

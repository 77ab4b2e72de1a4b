"""Export → import is lossless (CSV and XLSX), and one edited cell changes exactly that value."""

import pytest

from catalog.models import Product

from .conftest import NAMES
from .helpers import csv_bytes, csv_rows, export_bytes, run_import, set_cell, state, xlsx_rows


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_round_trip_changes_nothing(catalog, format):
    before = state()
    data = export_bytes(format)
    report = run_import(data)
    assert report.ok and report.applied
    assert report.counts["create"] == report.counts["update"] == 0
    assert report.counts["unchanged"] == 4  # two products, two variants
    assert state() == before


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

"""Meta catalog CSV, local inventory TSV and channel spreadsheets (CSV/XLSX), parsed back."""

import csv
import io

import pytest
from openpyxl import load_workbook

from catalog.models import Stock
from publishing.exports.service import build_export
from publishing.models import ProductSnapshot
from tests.exports.conftest import bulk_documents, document


def read_bytes(artifact):
    with artifact.file.open("rb") as handle:
        return handle.read()


def rows_of(artifact, delimiter=","):
    text = read_bytes(artifact).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_meta_catalog_uses_metas_names_and_words(channel, catalog):
    rows = {row["id"]: row for row in rows_of(build_export(channel, "fi", "meta-csv"))}
    assert set(rows) == {"DRILL-1", "SHIRT-1-RED-M", "SHIRT-1-BLUE-M"}
    drill = rows["DRILL-1"]
    assert drill["title"] == "Akkuporakone" and drill["price"] == "129.90 EUR"
    assert drill["availability"] == "in stock" and drill["condition"] == "new"
    assert drill["brand"] == "Nordtool" and drill["gtin"] == "4006381333931"
    assert drill["link"].startswith("http://127.0.0.1:8000/fi/p/")
    assert drill["image_link"].startswith("http://127.0.0.1:8000/media/")
    assert drill["additional_image_link"].count("http") == 1
    assert drill["quantity_to_sell_on_facebook"] == "4"
    assert rows["SHIRT-1-RED-M"]["item_group_id"] == "SHIRT-1"
    assert rows["SHIRT-1-RED-M"]["color"] == "Punainen"
    assert rows["SHIRT-1-RED-M"]["availability"] == "out of stock"


def test_meta_availability_words(channel):
    bulk_documents(channel, 3)
    for i, availability in ((2, "backorder"), (3, "preorder")):
        ProductSnapshot.objects.filter(sku=f"BULK00000{i}").update(
            document=document(f"BULK00000{i}", "en", i, availability=availability),
        )
    rows = {row["id"]: row["availability"] for row in rows_of(build_export(channel, "en", "meta-csv"))}
    assert rows == {"BULK000001": "in stock", "BULK000002": "available for order", "BULK000003": "preorder"}


def test_local_inventory_quantities_equal_stock(channel, catalog):
    rows = rows_of(build_export(channel, "en", "local-inventory"), delimiter="\t")
    assert list(rows[0]) == ["store_code", "id", "availability", "quantity", "price"]
    drill = {row["store_code"]: row for row in rows if row["id"] == "DRILL-1"}
    stock = {s.store.code: s.quantity for s in Stock.objects.filter(product=catalog["drill"]).select_related("store")}
    assert {code: int(row["quantity"]) for code, row in drill.items()} == stock == {"kamppi": 4, "itis": 0}
    assert drill["kamppi"]["availability"] == "in_stock" and drill["itis"]["availability"] == "out_of_stock"
    assert drill["kamppi"]["price"] == "129.90 EUR"
    assert not any(row["id"] in ("NOPRICE-1", "OLD-DRILL-1") for row in rows)


@pytest.mark.parametrize("fmt", ["google-xml", "google-tsv", "meta-csv", "local-inventory"])
def test_discontinued_products_stay_out_of_marketplace_feeds(channel, catalog, fmt):
    artifact = build_export(channel, "en", fmt)
    assert b"OLD-DRILL-1" not in read_bytes(artifact)
    assert {"sku": "OLD-DRILL-1", "id": "OLD-DRILL-1", "reasons": ["discontinued"]} in artifact.meta["excluded"]


def test_channel_csv_is_the_channels_view(channel, catalog):
    artifact = build_export(channel, "fi", "csv")
    raw = read_bytes(artifact)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read Cyrillic and ä
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    # Headers speak the channel's language, like its values.
    assert header[:3] == ["SKU", "Päätuotteen SKU", "Nimi"]
    assert "color" in header and "size" in header  # variant axes by code
    by_sku = {row[0]: dict(zip(header, row)) for row in body}
    assert by_sku["DRILL-1"]["Nimi"] == "Akkuporakone" and by_sku["DRILL-1"]["Hinta"] == "129.90"
    assert by_sku["SHIRT-1-BLUE-M"]["Päätuotteen SKU"] == "SHIRT-1"
    assert by_sku["SHIRT-1-BLUE-M"]["Hinta"] == "21.50"
    assert by_sku["SHIRT-1-BLUE-M"]["color"] == "Sininen"
    # A reseller's price list is the channel's whole view, discontinued products included.
    assert set(by_sku) == {"DRILL-1", "SHIRT-1", "SHIRT-1-RED-M", "SHIRT-1-BLUE-M", "NOPRICE-1", "OLD-DRILL-1"}


def test_spreadsheets_neutralise_formulas(channel):
    bulk_documents(channel, 2)
    evil = '=HYPERLINK("http://evil.example","click")'
    ProductSnapshot.objects.filter(sku="BULK000001").update(document=document(
        "BULK000001", "en", 1, name=evil,
        attributes=[{"code": "note", "label": "@SUM(A1)", "value": "+1", "display": "-2+3", "unit": None}],
    ))
    xlsx = build_export(channel, "en", "xlsx")
    sheet = load_workbook(io.BytesIO(read_bytes(xlsx)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    row = dict(zip(header, rows[1]))
    assert row["Name"] == "'" + evil
    assert "'@SUM(A1)" in header and row["'@SUM(A1)"] == "'-2+3"
    assert row["Price"] == 11.9  # amounts stay numbers
    assert dict(zip(header, rows[2]))["Name"] == "Дрель 2 Őrült"
    for cells in rows:
        for cell in cells:
            assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@")))

    csv_rows = list(csv.reader(io.StringIO(read_bytes(build_export(channel, "en", "csv")).decode("utf-8-sig"))))
    assert csv_rows[1][2] == "'" + evil

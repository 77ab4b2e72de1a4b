"""An import costs queries per chunk of products, not per row: checking and
writing 20 or 200 rows of one chunk takes the same number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Price, Product, ProductHistory

from .helpers import csv_bytes, csv_rows, export_bytes, run_import

LANGUAGES = ("en", "fi", "hu", "ru", "bg")
HEADER = (["sku", "brand", "categories", "gtin", "mpn"] + [f"name[{lang}]" for lang in LANGUAGES]
          + [f"description[{lang}]" for lang in LANGUAGES]
          + ["attr:voltage", "attr:features", "attr:cordless", "attr:material[fi]", "attr:material[ru]",
             "price:retail", "price:reseller", "stock:kamppi"])


def sheet(count, *, suffix=""):
    rows = [HEADER]
    for i in range(count):
        rows.append([f"BULK-{i:04d}", "nordtool", "drills|tools", "", f"M-{i}{suffix}"]
                    + [f"Дрель {i} {lang}{suffix}" for lang in LANGUAGES]
                    + [f"<p>Kuvaus ő ű {i}</p><script>x</script>{suffix}"] * 5
                    + [str(12 + i % 6), "led|clutch", "true", "Teräs", "Сталь",
                       f"{50 + i}.90", f"{40 + i}.00", str(i % 9)])
    return csv_bytes(rows)


@pytest.fixture(autouse=True)
def whole_batches(monkeypatch):
    # SQLite's default limit of 999 parameters per statement splits a bulk
    # insert by rows; lifted here (SQLite allows 32 766) so the count shows chunks.
    monkeypatch.setattr(connection.features, "max_query_params", 30000)


def queries_of(data, validate_first):
    with CaptureQueriesContext(connection) as captured:
        report = run_import(data, validate_first=validate_first)
    return len(captured.captured_queries), report


@pytest.mark.parametrize("validate_first", [False, True])
def test_creating_costs_queries_per_chunk_not_per_row(catalog, validate_first):
    few, report = queries_of(sheet(20), validate_first)
    assert report.counts["create"] == 20
    Product.objects.filter(sku__startswith="BULK-").delete()
    many, report = queries_of(sheet(200), validate_first)
    assert report.counts["create"] == 200
    assert many == few
    # Everything was written, and every new product has its history version.
    product = Product.objects.get(sku="BULK-0150")
    product.set_current_language("ru")
    assert product.name == "Дрель 150 ru" and product.slug
    assert product.description == "<p>Kuvaus ő ű 150</p>"  # sanitised
    assert sorted(c.code for c in product.categories.all()) == ["drills", "tools"]
    assert product.attribute_values.count() == 5
    assert Price.objects.filter(product=product).count() == 2
    assert "дрель 150 ru" in product.search_text
    assert ProductHistory.objects.filter(product__sku__startswith="BULK-").count() == 200


def test_updating_costs_queries_per_chunk_not_per_row(catalog):
    run_import(sheet(200))
    rows = csv_rows(export_bytes("csv"))
    header, name, price = rows[0], rows[0].index("name[fi]"), rows[0].index("price:retail")
    for row in rows[1:]:
        row[name] += " uusi"
        row[price] = "1.00"
    bulk = [row for row in rows[1:] if row[0].startswith("BULK-")]
    few, report = queries_of(csv_bytes([header] + bulk[:20]), True)
    assert report.counts["update"] == 20
    many, report = queries_of(csv_bytes([header] + bulk), True)
    assert report.counts == {"create": 0, "update": 180, "unchanged": 20, "error": 0}
    assert many == few
    product = Product.objects.get(sku="BULK-0150")
    product.set_current_language("fi")
    assert product.name == "Дрель 150 fi uusi" and product.version == 2
    assert "дрель 150 fi uusi" in product.search_text
    assert Price.objects.get(product=product, price_list__code="retail").amount == 1
    assert ProductHistory.objects.filter(product=product).count() == 2

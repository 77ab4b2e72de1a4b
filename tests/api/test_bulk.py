"""Bulk upsert: one status per line, each line on its own."""

import json

import pytest
from django.db import IntegrityError

from catalog import services
from catalog.models import Product

from .conftest import product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/bulk/"


def existing(sku, **extra):
    return services.create_product(product_payload(sku=sku, variants=[], **extra))


def test_mixed_lines_each_get_their_status_and_the_valid_ones_are_saved(api, refs):
    kept = existing("KEEP")
    stale = existing("STALE")
    services.update_product(stale, {"mpn": "moved on"}, expected_version=1, partial=True)
    items = [
        {"sku": "NEW-1", "translations": {"fi": {"name": "Työvalo"}, "ru": {"name": "Фонарь"}}},
        {"sku": "KEEP", "version": 1, "translations": {"ru": {"name": "Новое имя"}}},
        {"sku": "BAD-1", "gtin": "123", "translations": {"fi": {"name": "Saha"}}},
        {"sku": "STALE", "version": 1, "mpn": "lost"},
        {"sku": "KEEP", "translations": {"fi": {"name": "Ilman versiota"}}},
        "not an object",
        {"sku": "BAD-2", "translations": {"fi": {"name": ""}}},
    ]
    response = api.post(URL, items, format="json")
    assert response.status_code == 200, response.content
    lines = response.json()
    assert [(line["line"], line["sku"], line["status_code"]) for line in lines] == [
        (1, "NEW-1", 201), (2, "KEEP", 204), (3, "BAD-1", 400), (4, "STALE", 412), (5, "KEEP", 428),
        (6, None, 400), (7, "BAD-2", 400),
    ]
    assert lines[0]["version"] == 1 and lines[1]["version"] == 2
    assert lines[2]["code"] == "invalid" and lines[2]["errors"] == {"gtin": ["A GTIN has 8, 12, 13 or 14 digits."]}
    assert lines[3]["code"] == "version_conflict" and lines[3]["current_version"] == 2
    assert lines[4]["code"] == "version_required" and "current_version" not in lines[4]
    assert lines[6]["errors"] == {"name[fi]": ["Give the product a name in this language."]}

    assert set(Product.objects.values_list("sku", flat=True)) == {"NEW-1", "KEEP", "STALE"}
    new = Product.objects.get(sku="NEW-1")
    assert new.safe_translation_getter("name", language_code="ru") == "Фонарь"
    kept = Product.objects.get(pk=kept.pk)
    assert kept.version == 2
    assert kept.safe_translation_getter("name", language_code="ru") == "Новое имя"
    assert kept.safe_translation_getter("name", language_code="fi") == "Akkuporakone 18 V"  # a PATCH
    assert Product.objects.get(sku="STALE").mpn == "moved on"


def test_ndjson_body(api, refs):
    existing("OLD")
    body = "\n".join([
        json.dumps({"sku": "ND-1", "translations": {"hu": {"name": "Lámpa Ő"}}}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"sku": "OLD", "version": 1, "mpn": "X-1"}),
    ]) + "\n"
    response = api.post(URL, body.encode(), content_type="application/x-ndjson")
    assert response.status_code == 200, response.content
    lines = response.json()
    assert [(line["line"], line["status_code"]) for line in lines] == [(1, 201), (2, 400), (3, 204)]
    assert "Line 3 is not JSON" in lines[1]["errors"]["non_field_errors"][0]
    assert Product.objects.get(sku="ND-1").safe_translation_getter("name", language_code="hu") == "Lámpa Ő"
    assert Product.objects.get(sku="OLD").mpn == "X-1"


def test_a_line_that_fails_while_saving_is_rolled_back_with_its_cached_texts(api, refs, monkeypatch):
    product = existing("CACHED")
    original = services._ProductWriter._save_stock

    def fail_for_one(writer, *args):
        if writer.product.sku == "CACHED":
            raise IntegrityError("stock row taken meanwhile")
        return original(writer, *args)

    monkeypatch.setattr(services._ProductWriter, "_save_stock", fail_for_one)
    items = [
        {"sku": "CACHED", "version": 1, "translations": {"ru": {"name": "Потеряно"}}, "stock": []},
        {"sku": "OTHER", "translations": {"fi": {"name": "Muu"}}, "stock": []},
    ]
    lines = api.post(URL, items, format="json").json()
    assert [line["status_code"] for line in lines] == [400, 201]
    assert "same moment" in lines[0]["errors"]["non_field_errors"][0]
    fresh = Product.objects.get(pk=product.pk)  # no prefetch: parler reads its cache
    assert fresh.version == 1
    fresh.set_current_language("ru")
    assert fresh.name == "Аккумуляторная дрель 18 В"


def test_body_must_be_a_list_of_bounded_length(api, refs, monkeypatch):
    response = api.post(URL, {"sku": "X"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    from catalog.api import views

    monkeypatch.setattr(views, "BULK_MAX_ITEMS", 2)
    response = api.post(URL, [{"sku": "A"}, {"sku": "B"}, {"sku": "C"}], format="json")
    assert response.status_code == 400 and response.json()["code"] == "too_many_items"


def test_service_upsert_without_versions_for_trusted_callers(refs):
    existing("FILE-1")
    results = services.upsert_products([{"sku": "FILE-1", "mpn": "from file"}], require_version=False)
    assert [r.status_code for r in results] == [204]
    assert Product.objects.get(sku="FILE-1").mpn == "from file"

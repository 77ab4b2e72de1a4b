"""Create, read, replace and patch products through /api/v1/products/."""

import json
from decimal import Decimal

import pytest

from catalog.models import Attribute, AttributeValue, Price, Product, Stock, Variant
from tests.factories import make_attribute

from .conftest import product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def detail(sku):
    return f"{URL}{sku}/"


def post(api, payload):
    return api.post(URL, payload, format="json")


def attrs(body):
    return {(a["code"], a["locale"]): a["value"] for a in body["attributes"]}


def test_create_with_finnish_and_russian_texts_and_typed_attributes(api, refs):
    response = post(api, product_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"] == detail("DRILL-18V")
    assert body["version"] == 1
    assert body["brand"] == "nordtool" and body["family"] == "power_tools"
    assert body["categories"] == ["drills"]
    assert body["translations"]["fi"]["name"] == "Akkuporakone 18 V"
    assert body["translations"]["fi"]["slug"] == "akkuporakone-18-v"
    assert body["translations"]["ru"]["slug"] == "аккумуляторная-дрель-18-в"
    assert set(body["translations"]) == {"fi", "ru"}
    assert attrs(body) == {
        ("power", None): "1200",
        ("cordless", None): True,
        ("released", None): "2026-03-01",
        ("colour", None): "red",
        ("features", None): ["brushless", "led"],  # in the option list's order
        ("warranty_note", "fi"): "Takuu 3 vuotta",
        ("warranty_note", "ru"): "Гарантия 3 года",
    }
    assert body["variants"] == [{"sku": "DRILL-18V-RED", "gtin": "", "axes": {"colour": "red"}}]
    assert body["prices"] == [{"price_list": "retail", "variant": None, "amount": "129.90",
                               "valid_from": None, "valid_until": None}]
    assert body["stock"] == [{"store": "hel-kamppi", "variant": None, "quantity": 12}]

    product = Product.objects.get(sku="DRILL-18V")
    assert product.safe_translation_getter("name", language_code="ru") == "Аккумуляторная дрель 18 В"
    power = AttributeValue.objects.get(product=product, attribute=refs.power)
    assert power.value_number == Decimal("1200")
    assert AttributeValue.objects.get(product=product, attribute=refs.note, language_code="ru").value_text == \
        "Гарантия 3 года"
    assert set(AttributeValue.objects.get(product=product, attribute=refs.features).options.all()) == \
        {refs.led, refs.brushless}
    assert list(Variant.objects.get(sku="DRILL-18V-RED").axis_values.all()) == [refs.red]
    assert Price.objects.get(product=product).amount == Decimal("129.90")
    assert Stock.objects.get(product=product).quantity == 12


def test_retrieve_by_sku_with_etag_and_304(api, refs):
    post(api, product_payload())
    response = api.get(detail("DRILL-18V"))
    assert response.status_code == 200
    assert response.json()["sku"] == "DRILL-18V"
    assert response["ETag"] == '"1"'
    assert api.get(detail("DRILL-18V"), HTTP_IF_NONE_MATCH='"1"').status_code == 304
    missing = api.get(detail("NOPE"))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_non_ascii_round_trip(api, refs):
    payload = product_payload(translations={
        "hu": {"name": "Ütvefúró – Őrült erős", "description": "<p>Árvíztűrő tükörfúrógép</p>"},
        "ru": {"name": "Дрель Жук", "marketing_claims": "Жёсткий корпус\nЩётки из меди"},
        "bg": {"name": "Бормашина Щъркел"},
        "fi": {"name": "Pörä ja Äes"},
    })
    created = post(api, payload)
    assert created.status_code == 201, created.content
    raw = api.get(detail("DRILL-18V"))
    text = raw.content.decode("utf-8")
    assert "Ő" in text and "Ж" in text  # not \u escapes
    body = json.loads(text)
    assert body["translations"]["hu"]["name"] == "Ütvefúró – Őrült erős"
    assert body["translations"]["hu"]["slug"] == "ütvefúró-őrült-erős"
    assert body["translations"]["ru"]["marketing_claims"] == "Жёсткий корпус\nЩётки из меди"
    assert body["translations"]["bg"]["slug"] == "бормашина-щъркел"
    # Sending the body back unchanged is accepted and changes nothing.
    again = api.put(detail("DRILL-18V"), body, format="json", HTTP_IF_MATCH='"1"')
    assert again.status_code == 200, again.content
    assert again.json() == body


def test_patch_changes_only_the_languages_and_keys_given(api, refs):
    post(api, product_payload())
    response = api.patch(detail("DRILL-18V"), {
        "translations": {"ru": {"name": "Дрель-шуруповёрт 18 В"}},
        "attributes": [{"code": "power", "locale": None, "value": "1300.5"},
                       {"code": "warranty_note", "locale": "ru", "value": None}],
    }, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and response["ETag"] == '"2"'
    ru, fi = body["translations"]["ru"], body["translations"]["fi"]
    assert ru["name"] == "Дрель-шуруповёрт 18 В"
    assert ru["description"] == "<p>Две батареи.</p>"  # other fields of the language kept
    assert ru["slug"] == "аккумуляторная-дрель-18-в"  # the URL stays when the name changes
    assert fi == {"name": "Akkuporakone 18 V", "slug": "akkuporakone-18-v",
                  "short_description": "<p>Kevyt ja tehokas.</p>", "description": "", "marketing_claims": ""}
    values = attrs(body)
    assert values[("power", None)] == "1300.5"
    assert ("warranty_note", "ru") not in values
    assert values[("warranty_note", "fi")] == "Takuu 3 vuotta"
    assert values[("features", None)] == ["brushless", "led"]
    # Keys not sent are untouched.
    assert body["gtin"] == "6417182000010" and body["categories"] == ["drills"]
    assert len(body["variants"]) == 1 and len(body["prices"]) == 1


def test_patch_adds_and_removes_a_language(api, refs):
    post(api, product_payload())
    response = api.patch(detail("DRILL-18V"), {
        "translations": {"hu": {"name": "Fúró"}, "ru": None},
    }, format="json", HTTP_IF_MATCH="1")
    assert response.status_code == 200, response.content
    assert set(response.json()["translations"]) == {"fi", "hu"}
    product = Product.objects.get(sku="DRILL-18V")
    assert sorted(product.get_available_languages()) == ["fi", "hu"]


def test_patch_that_changes_nothing_keeps_the_version(api, refs):
    post(api, product_payload())
    response = api.patch(detail("DRILL-18V"), {"translations": {"fi": {"name": "Akkuporakone 18 V"}},
                                              "attributes": [{"code": "power", "locale": None, "value": 1200}]},
                         format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_put_replaces_the_whole_product(api, refs):
    post(api, product_payload())
    response = api.put(detail("DRILL-18V"), {
        "translations": {"fi": {"name": "Porakone"}},
        "attributes": [{"code": "cordless", "locale": None, "value": False}],
        "version": 1,
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert set(body["translations"]) == {"fi"}
    assert body["translations"]["fi"]["slug"] == "akkuporakone-18-v"  # kept
    assert attrs(body) == {("cordless", None): False}
    assert body["gtin"] == "" and body["brand"] is None and body["categories"] == []
    assert body["variants"] == [] and body["prices"] == [] and body["stock"] == []
    assert not Variant.objects.filter(sku="DRILL-18V-RED").exists()


def test_variants_prices_and_stock_are_whole_sets(api, refs):
    post(api, product_payload())
    response = api.patch(detail("DRILL-18V"), {
        "variants": [{"sku": "DRILL-18V-RED", "axes": {"colour": "red"}},
                     {"sku": "DRILL-18V-BLUE", "gtin": "4006381333931", "axes": {"colour": "blue"}}],
        "prices": [{"price_list": "retail", "variant": "DRILL-18V-BLUE", "amount": "139.9"},
                   {"price_list": "retail", "variant": None, "amount": "99.00",
                    "valid_from": "2026-06-01T00:00:00+03:00", "valid_until": "2026-06-30T00:00:00+03:00"}],
        "stock": [{"store": "hel-kamppi", "variant": "DRILL-18V-BLUE", "quantity": 3}],
    }, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    body = response.json()
    assert [v["sku"] for v in body["variants"]] == ["DRILL-18V-RED", "DRILL-18V-BLUE"]
    assert body["variants"][1] == {"sku": "DRILL-18V-BLUE", "gtin": "4006381333931", "axes": {"colour": "blue"}}
    assert sorted((p["variant"] or "", p["amount"]) for p in body["prices"]) == [
        ("", "99.00"), ("DRILL-18V-BLUE", "139.90")]
    sale = next(p for p in body["prices"] if p["variant"] is None)
    assert sale["valid_from"].startswith("2026-06-01T00:00:00")
    assert body["stock"] == [{"store": "hel-kamppi", "variant": "DRILL-18V-BLUE", "quantity": 3}]


def test_rich_text_is_sanitised_through_the_api(api, refs):
    payload = product_payload(translations={"fi": {
        "name": "Pora",
        "description": '<p onclick="steal()">Hyvä <script>alert(1)</script><a href="javascript:x()">linkki</a></p>',
        "short_description": "<style>p{}</style><strong>Vahva</strong>",
    }})
    response = post(api, payload)
    assert response.status_code == 201, response.content
    fi = response.json()["translations"]["fi"]
    for bad in ("script", "onclick", "javascript:", "style", "alert"):
        assert bad not in fi["description"] + fi["short_description"]
    assert "Hyvä" in fi["description"] and "<strong>Vahva</strong>" in fi["short_description"]
    stored = Product.objects.get(sku="DRILL-18V")
    stored.set_current_language("fi")
    assert "script" not in stored.description


def test_rich_text_attribute_values_are_sanitised(api, refs):
    make_attribute("care", Attribute.Type.RICH_TEXT, localizable=True)
    response = post(api, product_payload(attributes=[
        {"code": "care", "locale": "ru",
         "value": '<p>Мыть <img src=x onerror="alert(1)"> руками</p><script>x()</script>'},
    ]))
    assert response.status_code == 201, response.content
    value = attrs(response.json())[("care", "ru")]
    assert value.startswith("<p>Мыть") and "onerror" not in value and "script" not in value


def test_list_is_paginated_and_filtered(api, refs):
    for number in range(5):
        assert post(api, product_payload(
            sku=f"P-{number}", variants=[], gtin="",
            family="power_tools" if number % 2 else None, status="discontinued" if number == 4 else "active",
            translations={"fi": {"name": f"Tuote {number}"}},
        )).status_code == 201
    first = api.get(URL, {"limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert [p["sku"] for p in page["results"]] == ["P-0", "P-1"]
    second = api.get(page["next"])
    assert [p["sku"] for p in second.json()["results"]] == ["P-2", "P-3"]
    assert [p["sku"] for p in api.get(URL, {"family": "power_tools"}).json()["results"]] == ["P-1", "P-3"]
    assert [p["sku"] for p in api.get(URL, {"status": "discontinued"}).json()["results"]] == ["P-4"]
    assert [p["sku"] for p in api.get(URL, {"sku": "P-2,P-0"}).json()["results"]] == ["P-0", "P-2"]
    assert [p["sku"] for p in api.get(URL, {"brand": "nordtool"}).json()["results"]] == [f"P-{n}" for n in range(5)]
    Product.objects.filter(sku="P-3").update(updated_at="2030-01-01T00:00:00Z")
    since = api.get(URL, {"updated_since": "2029-12-31T00:00:00Z"}).json()["results"]
    assert [p["sku"] for p in since] == ["P-3"]
    bad = api.get(URL, {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["errors"]


def test_list_query_count_does_not_grow_with_the_page(api, refs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries(count):
        Product.objects.all().delete()
        for number in range(count):
            post(api, product_payload(sku=f"Q-{number}"))
        with CaptureQueriesContext(connection) as queries:
            assert len(api.get(URL, {"limit": 100}).json()["results"]) == count
        return len(queries)

    assert page_queries(2) == page_queries(12)


def test_delete(api, refs):
    post(api, product_payload())
    assert api.delete(detail("DRILL-18V"), HTTP_IF_MATCH='"7"').status_code == 412
    assert api.delete(detail("DRILL-18V")).status_code == 204
    assert not Product.objects.filter(sku="DRILL-18V").exists()


def test_patch_of_prices_alone_may_name_existing_variants(api, refs):
    post(api, product_payload())
    response = api.patch(detail("DRILL-18V"), {
        "prices": [{"price_list": "retail", "variant": "DRILL-18V-RED", "amount": 99}],
        "stock": [{"store": "hel-kamppi", "variant": "DRILL-18V-RED", "quantity": 0}],
    }, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(p["variant"], p["amount"]) for p in body["prices"]] == [("DRILL-18V-RED", "99.00")]
    assert body["stock"] == [{"store": "hel-kamppi", "variant": "DRILL-18V-RED", "quantity": 0}]
    assert body["variants"][0]["axes"] == {"colour": "red"} and body["version"] == 2

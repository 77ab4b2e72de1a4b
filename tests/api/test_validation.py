"""Validation errors name the field and the language; nothing is saved."""

import pytest

from catalog.models import Product
from tests.factories import make_product, make_variant

from .conftest import product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def errors_of(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    return body["errors"]


def test_errors_are_keyed_by_field_and_language(api, refs):
    payload = product_payload(
        gtin="6417182000011",  # wrong check digit
        translations={"fi": {"name": "  "}, "ru": {"name": "Дрель", "colour": "x"}, "de": {"name": "Bohrer"}},
        attributes=[
            {"code": "power", "locale": None, "value": "lots"},
            {"code": "cordless", "locale": None, "value": "yes"},
            {"code": "released", "locale": None, "value": "1.3.2026"},
            {"code": "colour", "locale": None, "value": "pink"},
            {"code": "features", "locale": None, "value": ["led", "laser"]},
            {"code": "warranty_note", "locale": None, "value": "x"},
            {"code": "weight", "locale": None, "value": "1"},
            {"code": "power", "locale": "fi", "value": "1"},
            {"code": "warranty_note", "locale": "de", "value": "Garantie"},
        ],
    )
    errors = errors_of(api.post(URL, payload, format="json"))
    assert errors["gtin"] == ["The GTIN check digit is wrong."]
    assert errors["name[fi]"] == ["Give the product a name in this language."]
    assert errors["colour[ru]"] == ["Unknown field."]
    assert "Unknown language 'de'" in errors["translations[de]"][0]
    assert "en, fi, hu, ru, bg" in errors["translations[de]"][0]
    assert errors["attr:power"] == ["'lots' is not a number."]
    assert errors["attr:cordless"] == ["Send true or false."]
    assert errors["attr:released"] == ["Send a date as YYYY-MM-DD."]
    assert errors["attr:colour"] == ["Not an option of colour: pink. Options: blue, red."]
    assert errors["attr:features"] == ["Not an option of features: laser. Options: brushless, led."]
    assert "differs per language" in errors["attr:warranty_note"][0]
    assert errors["attr:weight"] == ["Unknown attribute 'weight'."]
    assert "same in every language" in errors["attr:power[fi]"][0]
    assert errors["attr:warranty_note[de]"][0].startswith("Unknown language 'de'.")
    assert not Product.objects.exists()


def test_duplicate_sku_also_against_variant_skus(api, refs):
    make_product(sku="TAKEN")
    other = make_product(sku="OTHER")
    make_variant(other, sku="OTHER-RED")
    assert errors_of(api.post(URL, product_payload(sku="TAKEN"), format="json"))["sku"] == [
        "A product with this SKU already exists."]
    assert errors_of(api.post(URL, product_payload(sku="OTHER-RED", variants=[]), format="json"))["sku"] == [
        "A variant already uses this SKU."]
    errors = errors_of(api.post(URL, product_payload(variants=[
        {"sku": "OTHER-RED"}, {"sku": "TAKEN"}, {"sku": "DRILL-18V"}, {"sku": "NEW-1"}, {"sku": "NEW-1"},
    ]), format="json"))
    assert "already uses this SKU" in errors["variants[0].sku"][0]
    assert "already uses this SKU" in errors["variants[1].sku"][0]
    assert "own SKU" in errors["variants[2].sku"][0]
    assert errors["variants[4].sku"] == ["Given more than once."]


def test_slug_clash_in_one_language_only(api, refs):
    assert api.post(URL, product_payload(sku="A", variants=[], translations={
        "fi": {"name": "Pora", "slug": "pora"}, "ru": {"name": "Дрель", "slug": "drel"},
    }), format="json").status_code == 201
    errors = errors_of(api.post(URL, product_payload(sku="B", variants=[], translations={
        "fi": {"name": "Toinen pora", "slug": "pora"}, "hu": {"name": "Fúró", "slug": "drel"},
    }), format="json"))
    assert errors == {"slug[fi]": ["Another product already uses the slug 'pora' in this language."]}
    # A generated slug steps aside instead of clashing.
    response = api.post(URL, product_payload(sku="C", variants=[], translations={"fi": {"name": "Pora"}}),
                        format="json")
    assert response.json()["translations"]["fi"]["slug"] == "pora-2"


def test_invalid_slug_and_too_long_name(api, refs):
    errors = errors_of(api.post(URL, product_payload(translations={
        "fi": {"name": "x" * 300}, "ru": {"name": "Дрель", "slug": "has space/slash"},
    }), format="json"))
    assert "name[fi]" in errors and "255" in errors["name[fi]"][0]
    assert "slug[ru]" in errors


def test_unknown_codes_and_shapes(api, refs):
    errors = errors_of(api.post(URL, product_payload(
        brand="acme", family="toys", categories=["drills", "nope"], status="sold",
        prices=[{"price_list": "vip", "amount": "-1"}, {"price_list": "retail", "amount": "1.999",
                                                        "variant": "GHOST"}],
        stock=[{"store": "mars", "quantity": "many"}],
        variants=[{"sku": "V-1", "axes": {"features": "led"}}, {"sku": "V-2", "axes": {"colour": "green"}}],
        colour="red",
    ), format="json"))
    assert errors["brand"] == ["Unknown brand 'acme'."]
    assert errors["family"] == ["Unknown family 'toys'."]
    assert errors["categories"] == ["Unknown categories: nope."]
    assert errors["status"] == ["Use one of: active, discontinued."]
    assert errors["prices[0].price_list"] == ["Unknown price list 'vip'."]
    assert errors["prices[0].amount"] == ["A price cannot be negative."]
    assert errors["prices[1].amount"] == ["Use at most 2 decimal places."]
    assert errors["prices[1].variant"] == ["Not a variant of this product: 'GHOST'."]
    assert errors["stock[0].store"] == ["Unknown store 'mars'."]
    assert errors["stock[0].quantity"] == ["Send a whole number."]
    assert errors["variants[0].axes.features"] == ["'features' is not a variant axis."]
    assert "green" in errors["variants[1].axes.colour"][0]
    assert errors["colour"] == ["Unknown field."]


def test_body_must_be_an_object_with_a_sku_and_a_name(api, refs):
    assert errors_of(api.post(URL, [1, 2], format="json"))["non_field_errors"]
    errors = errors_of(api.post(URL, {"translations": {}}, format="json"))
    assert errors["sku"] == ["This field is required."]
    assert errors["translations"] == ["Give the product a name in at least one language."]
    gtin = errors_of(api.post(URL, product_payload(gtin=6417182000010), format="json"))["gtin"]
    assert "string" in gtin[0]


def test_sku_cannot_be_changed_by_an_update(api, refs):
    api.post(URL, product_payload(), format="json")
    errors = errors_of(api.patch(f"{URL}DRILL-18V/", {"sku": "DRILL-20V"}, format="json", HTTP_IF_MATCH="1"))
    assert errors == {"sku": ["The SKU of an existing product cannot be changed."]}

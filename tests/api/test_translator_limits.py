"""A translator limited to Hungarian changes only Hungarian texts through the
write API: every language-neutral field and every text of another language is
refused with 403 and stays as it was, while sending values back unchanged
(a whole product read with GET) is accepted."""

import pytest
from django.contrib.auth.models import Group, Permission

from catalog import services
from catalog.models import Product, TranslatorProfile
from pim import roles

from .conftest import PASSWORD, basic_client, product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
DETAIL = f"{URL}DRILL-18V/"
NEUTRAL = "Your account may edit translated texts only."


def _hu_translator(django_user_model, *extra_codenames):
    roles.ensure_roles()
    user = django_user_model.objects.create_user("hu-api", "hu-api@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name=roles.TRANSLATOR))
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="catalog",
                                                         codename__in=extra_codenames))
    TranslatorProfile.objects.create(user=user, languages=["hu"])
    return user


@pytest.fixture
def hu_api(django_user_model):
    return basic_client(_hu_translator(django_user_model))


@pytest.fixture
def drill(refs):
    payload = product_payload()
    payload["translations"]["hu"] = {"name": "Akkus fúró"}
    payload["attributes"].append({"code": "warranty_note", "locale": "hu", "value": "3 év garancia"})
    return services.create_product(payload)


def _stored(api, sku="DRILL-18V"):
    body = api.get(f"{URL}{sku}/").json()
    body.pop("updated_at")
    return body


@pytest.mark.parametrize(("change", "refused_key"), [
    ({"gtin": "4006381333931"}, "gtin"),
    ({"mpn": "OTHER-1"}, "mpn"),
    ({"brand": None}, "brand"),
    ({"family": None}, "family"),
    ({"categories": ["drills", "saws"]}, "categories"),
    ({"status": "discontinued"}, "status"),
    ({"prices": [{"price_list": "retail", "variant": None, "amount": "99.00"}]}, "prices"),
    ({"stock": [{"store": "hel-kamppi", "variant": None, "quantity": 0}]}, "stock"),
    ({"variants": []}, "variants"),
    ({"attributes": [{"code": "power", "locale": None, "value": "1500"}]}, "attr:power"),
    ({"attributes": [{"code": "colour", "locale": None, "value": None}]}, "attr:colour"),
])
def test_language_neutral_fields_are_refused_and_unchanged(hu_api, drill, change, refused_key):
    before = _stored(hu_api)
    response = hu_api.patch(DETAIL, change, format="json", HTTP_IF_MATCH=f'"{before["version"]}"')
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "field_not_allowed"
    assert body["errors"] == {refused_key: [NEUTRAL]}
    assert _stored(hu_api) == before  # nothing saved, version unchanged
    assert Product.objects.get(pk=drill.pk).version == before["version"]


def test_texts_of_other_languages_are_refused_per_field(hu_api, drill):
    before = _stored(hu_api)
    response = hu_api.patch(DETAIL, {
        "translations": {"fi": {"name": "Vasara"}, "hu": {"name": "Fúró Ő"}},
        "attributes": [{"code": "warranty_note", "locale": "ru", "value": "Нет"}],
    }, format="json", HTTP_IF_MATCH=f'"{before["version"]}"')
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "language_not_allowed"
    assert set(body["errors"]) == {"name[fi]", "attr:warranty_note[ru]"}
    assert _stored(hu_api) == before  # not even the allowed Hungarian name


def test_mixed_refusal_names_every_field(hu_api, drill):
    before = _stored(hu_api)
    response = hu_api.patch(DETAIL, {"gtin": "4006381333931", "translations": {"fi": {"name": "Vasara"}}},
                            format="json", HTTP_IF_MATCH=f'"{before["version"]}"')
    assert response.status_code == 403
    assert response.json()["code"] == "field_not_allowed"
    assert set(response.json()["errors"]) == {"gtin", "name[fi]"}
    assert _stored(hu_api) == before


def test_hungarian_texts_and_values_are_saved(hu_api, drill):
    version = _stored(hu_api)["version"]
    response = hu_api.patch(DETAIL, {
        "translations": {"hu": {"name": "Akkus fúró ű", "description": "<p>Erős</p>"}},
        "attributes": [{"code": "warranty_note", "locale": "hu", "value": "5 év garancia"}],
    }, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["translations"]["hu"]["name"] == "Akkus fúró ű"
    assert {(a["code"], a["locale"]): a["value"] for a in body["attributes"]}[("warranty_note", "hu")] == \
        "5 év garancia"
    assert body["version"] == version + 1


def test_the_whole_product_sent_back_with_a_hungarian_change_is_accepted(hu_api, drill):
    body = hu_api.get(DETAIL).json()
    body["translations"]["hu"]["name"] = "Akkus fúró 18 V"
    for entry in body["attributes"]:
        if entry["code"] == "power":
            entry["value"] = "1200.00"  # the same number, written differently
    response = hu_api.put(DETAIL, body, format="json", HTTP_IF_MATCH=f'"{body["version"]}"')
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["translations"]["hu"]["name"] == "Akkus fúró 18 V"
    for key in ("gtin", "brand", "family", "categories", "prices", "stock", "variants"):
        assert after[key] == body[key]
    assert after["translations"]["fi"] == body["translations"]["fi"]


def test_a_put_that_leaves_out_other_languages_or_prices_is_refused(hu_api, drill):
    before = _stored(hu_api)
    body = dict(before)
    body["translations"] = {"hu": {"name": "Akkus fúró"}}  # a PUT replaces: fi and ru would go
    del body["prices"]
    response = hu_api.put(DETAIL, body, format="json", HTTP_IF_MATCH=f'"{before["version"]}"')
    assert response.status_code == 403
    errors = response.json()["errors"]
    assert {"prices", "name[fi]", "name[ru]"} <= set(errors)
    assert _stored(hu_api) == before


def test_a_limited_user_may_not_create_delete_or_bulk_change_neutral_fields(django_user_model, refs, drill):
    user = _hu_translator(django_user_model, "add_product", "delete_product")
    api = basic_client(user)
    response = api.post(URL, product_payload(sku="NEW-1", translations={"hu": {"name": "Új"}}), format="json")
    assert response.status_code == 403 and response.json()["code"] == "field_not_allowed"
    assert "sku" in response.json()["errors"]
    assert not Product.objects.filter(sku="NEW-1").exists()

    assert api.delete(DETAIL).status_code == 403
    assert Product.objects.filter(sku="DRILL-18V").exists()

    version = Product.objects.get(sku="DRILL-18V").version
    response = api.post(f"{URL}bulk/", [
        {"sku": "DRILL-18V", "version": version, "translations": {"hu": {"name": "Fúró bulk"}}},
        {"sku": "DRILL-18V", "version": version + 1, "gtin": "4006381333931"},
        {"sku": "DRILL-18V", "version": version + 1, "translations": {"fi": {"name": "Vasara"}}},
        {"sku": "NEW-2", "translations": {"hu": {"name": "Új"}}},
        {"sku": "DRILL-18V", "version": version + 1, "translations": {"hu": {"short_description": "Rövid"}}},
    ], format="json")
    assert response.status_code == 200, response.content
    lines = response.json()
    assert [line["status_code"] for line in lines] == [204, 403, 403, 403, 204]
    assert [line.get("code") for line in lines[1:4]] == ["field_not_allowed", "language_not_allowed",
                                                         "field_not_allowed"]
    assert lines[1]["errors"] == {"gtin": [NEUTRAL]} and "name[fi]" in lines[2]["errors"]
    assert [line["line"] for line in lines] == [1, 2, 3, 4, 5]
    stored = api.get(DETAIL).json()
    assert stored["gtin"] == "6417182000010"
    assert stored["translations"]["fi"]["name"] == "Akkuporakone 18 V"
    assert stored["translations"]["hu"]["name"] == "Fúró bulk"
    assert stored["translations"]["hu"]["short_description"] == "Rövid"
    assert stored["version"] == version + 2
    assert not Product.objects.filter(sku="NEW-2").exists()


def test_an_unlimited_translator_and_an_integrator_are_not_restricted(api, drill):
    version = Product.objects.get(pk=drill.pk).version
    response = api.patch(DETAIL, {"gtin": "4006381333931", "translations": {"fi": {"name": "Vasara"}}},
                         format="json", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200, response.content
    assert response.json()["gtin"] == "4006381333931"


def test_a_translator_without_a_language_profile_changes_texts_of_any_language_only(django_user_model, drill):
    roles.ensure_roles()
    user = django_user_model.objects.create_user("translator-api", "translator-api@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name=roles.TRANSLATOR))
    api = basic_client(user)
    before = _stored(api)
    for change in ({"mpn": "OTHER-1"}, {"status": "discontinued"}):
        response = api.patch(DETAIL, change, format="json", HTTP_IF_MATCH=f'"{before["version"]}"')
        assert response.status_code == 403, response.content
        assert response.json()["errors"] == {next(iter(change)): [NEUTRAL]}
    assert _stored(api) == before

    response = api.patch(DETAIL, {"translations": {"fi": {"name": "Porakone Ä"}, "ru": {"name": "Дрель Ж"}}},
                         format="json", HTTP_IF_MATCH=f'"{before["version"]}"')
    assert response.status_code == 200, response.content
    assert response.json()["translations"]["ru"]["name"] == "Дрель Ж"

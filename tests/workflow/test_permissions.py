"""Translators edit only their languages, in the admin and in the write API."""

import base64

import pytest
from rest_framework.test import APIClient

from catalog.models import Product
from tests.factories import make_product

from .conftest import change_url, errors_of, post_form

pytestmark = pytest.mark.django_db


def _name(product, language):
    return Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code=language)


def test_hungarian_translator_cannot_change_a_finnish_name_in_the_admin(client, hu_translator):
    product = make_product(names={"en": "Drill", "fi": "Porakone", "hu": "Fúrógép"})
    client.force_login(hu_translator)

    response = post_form(client, change_url(product, "fi"), name="Vasara")
    assert response.status_code == 200  # the form comes back with the error
    assert any("may not edit texts in this language (fi)" in str(m) for m in errors_of(response))
    assert _name(product, "fi") == "Porakone"

    response = post_form(client, change_url(product, "hu"), name="Fúrógép Ő")
    assert response.status_code == 302, errors_of(response)
    assert _name(product, "hu") == "Fúrógép Ő"
    assert _name(product, "fi") == "Porakone"


def test_limited_translator_cannot_change_shared_fields(client, hu_translator):
    product = make_product(names={"en": "Drill", "hu": "Fúrógép"}, mpn="M-1")
    client.force_login(hu_translator)
    response = post_form(client, change_url(product, "hu"), mpn="M-2")
    assert response.status_code == 200
    assert Product.objects.get(pk=product.pk).mpn == "M-1"


def _api(user):
    api = APIClient()
    token = base64.b64encode(f"{user.username}:pw-for-tests-only".encode()).decode()
    api.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return api


def test_hungarian_translator_cannot_change_a_finnish_name_through_the_api(hu_translator):
    product = make_product(sku="API-1", names={"en": "Drill", "fi": "Porakone", "hu": "Fúrógép"})
    api = _api(hu_translator)
    url = "/api/v1/products/API-1/"
    version = Product.objects.get(pk=product.pk).version

    response = api.patch(url, {"translations": {"fi": {"name": "Vasara"}}}, format="json", HTTP_IF_MATCH=str(version))
    assert response.status_code == 403
    assert response.json()["code"] == "language_not_allowed"
    assert "name[fi]" in response.json()["errors"]
    assert _name(product, "fi") == "Porakone"

    response = api.patch(url, {"translations": {"hu": {"name": "Fúrógép Ű"}}}, format="json",
                         HTTP_IF_MATCH=str(version))
    assert response.status_code == 200, response.content
    assert _name(product, "hu") == "Fúrógép Ű"

    # Sending the whole product back with the Finnish text unchanged is fine.
    body = api.get(url).json()
    body["translations"]["hu"]["name"] = "Fúrógép ő"
    response = api.put(url, body, format="json", HTTP_IF_MATCH=str(body["version"]))
    assert response.status_code == 200, response.content
    assert _name(product, "fi") == "Porakone"


def test_translator_may_change_only_attribute_values_in_their_language(client, hu_translator):
    from catalog.models import AttributeValue
    from tests.factories import make_attribute, set_value

    from .conftest import form_data

    colour = make_attribute("colour_name", localizable=True)
    product = make_product(names={"en": "Drill", "fi": "Porakone", "hu": "Fúrógép"})
    fi_value = set_value(product, colour, "Punainen", "fi")
    hu_value = set_value(product, colour, "Piros", "hu")
    client.force_login(hu_translator)
    url = change_url(product, "hu")

    def post_value(row, text):
        data = form_data(client.get(url))
        key = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(row.pk)
                   and k.startswith("attribute_values"))
        data[key.replace("-id", "-value_text")] = text
        return client.post(url, data)

    response = post_value(fi_value, "Sininen")
    assert response.status_code == 200
    assert any("(fi)" in str(m) for m in errors_of(response))
    assert AttributeValue.objects.get(pk=fi_value.pk).value_text == "Punainen"
    response = post_value(hu_value, "Kék")
    assert response.status_code == 302, errors_of(response)
    assert AttributeValue.objects.get(pk=hu_value.pk).value_text == "Kék"

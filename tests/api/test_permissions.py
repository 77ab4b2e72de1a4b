"""Django model permissions guard the write API."""

import pytest
from rest_framework.test import APIClient

from catalog.models import Product

from .conftest import _user, basic_client, product_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def test_anonymous_gets_401_json(refs):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert APIClient().post(URL, product_payload(), format="json").status_code == 401


def test_wrong_password_is_401(integrator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic ZXJwOndyb25n")  # erp:wrong
    assert client.get(URL).status_code == 401


def test_user_without_change_product_cannot_update(api, reader, refs):
    assert api.post(URL, product_payload(), format="json").status_code == 201
    assert reader.get(f"{URL}DRILL-18V/").status_code == 200
    response = reader.patch(f"{URL}DRILL-18V/", {"mpn": "X"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert reader.post(URL, product_payload(sku="OTHER"), format="json").status_code == 403
    assert reader.delete(f"{URL}DRILL-18V/").status_code == 403
    assert reader.post(f"{URL}bulk/", [product_payload(sku="OTHER")], format="json").status_code == 403
    assert Product.objects.get(sku="DRILL-18V").mpn == "NT-18-2"


def test_reading_needs_view_product(django_user_model, refs):
    nobody = basic_client(_user(django_user_model, "nobody", []))
    assert nobody.get(URL).status_code == 403


def test_bulk_needs_add_and_change(django_user_model, refs):
    adder = basic_client(_user(django_user_model, "adder", ["view_product", "add_product"]))
    assert adder.post(URL, product_payload(), format="json").status_code == 201
    assert adder.post(f"{URL}bulk/", [product_payload(sku="B")], format="json").status_code == 403


def test_session_login_works_too(client, integrator, refs):
    client.force_login(integrator)
    assert client.get(URL).status_code == 200

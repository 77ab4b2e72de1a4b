"""Fixtures of the write API tests: reference data, users with model
permissions, and a client signed in with HTTP Basic."""

import base64

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from catalog.models import Attribute
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_store,
)

PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Refs:
    """Codes the tests write against."""


@pytest.fixture
def refs(db):
    r = Refs()
    r.power = make_attribute("power", Attribute.Type.MEASUREMENT, unit="W", labels={"en": "Power"})
    r.cordless = make_attribute("cordless", Attribute.Type.BOOLEAN, labels={"en": "Cordless"})
    r.released = make_attribute("released", Attribute.Type.DATE, labels={"en": "Released"})
    r.colour = make_attribute("colour", Attribute.Type.SELECT, labels={"en": "Colour"}, is_variant_axis=True)
    r.red = make_option(r.colour, "red", {"en": "Red", "fi": "Punainen"})
    r.blue = make_option(r.colour, "blue", {"en": "Blue", "fi": "Sininen"})
    r.features = make_attribute("features", Attribute.Type.MULTI_SELECT, labels={"en": "Features"})
    r.led = make_option(r.features, "led", {"en": "LED light"})
    r.brushless = make_option(r.features, "brushless", {"en": "Brushless motor"})
    r.note = make_attribute("warranty_note", Attribute.Type.TEXT, localizable=True, labels={"en": "Warranty"})
    r.brand = make_brand("nordtool", "Nordtool")
    r.family = make_family("power_tools", attributes=[r.power, r.cordless, r.colour])
    r.drills = make_category("drills", names={"en": "Drills", "fi": "Porakoneet"})
    r.saws = make_category("saws", names={"en": "Saws", "fi": "Sahat"})
    r.retail = make_price_list("retail")
    r.store = make_store("hel-kamppi")
    return r


def _user(django_user_model, username, codenames):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames))
    return user


def basic_client(user):
    client = APIClient()
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


@pytest.fixture
def integrator(db, django_user_model):
    return _user(django_user_model, "erp", ["view_product", "add_product", "change_product", "delete_product"])


@pytest.fixture
def api(integrator):
    return basic_client(integrator)


@pytest.fixture
def reader(db, django_user_model):
    return basic_client(_user(django_user_model, "reader", ["view_product"]))


def product_payload(sku="DRILL-18V", **extra):
    """A product with Finnish and Russian texts and typed attributes."""
    payload = {
        "sku": sku,
        "gtin": "6417182000010",
        "mpn": "NT-18-2",
        "brand": "nordtool",
        "family": "power_tools",
        "categories": ["drills"],
        "translations": {
            "fi": {"name": "Akkuporakone 18 V", "short_description": "<p>Kevyt ja tehokas.</p>"},
            "ru": {"name": "Аккумуляторная дрель 18 В", "description": "<p>Две батареи.</p>"},
        },
        "attributes": [
            {"code": "power", "locale": None, "value": "1200"},
            {"code": "cordless", "locale": None, "value": True},
            {"code": "released", "locale": None, "value": "2026-03-01"},
            {"code": "colour", "locale": None, "value": "red"},
            {"code": "features", "locale": None, "value": ["led", "brushless"]},
            {"code": "warranty_note", "locale": "fi", "value": "Takuu 3 vuotta"},
            {"code": "warranty_note", "locale": "ru", "value": "Гарантия 3 года"},
        ],
        "variants": [{"sku": f"{sku}-RED", "gtin": "", "axes": {"colour": "red"}}],
        "prices": [{"price_list": "retail", "variant": None, "amount": "129.90"}],
        "stock": [{"store": "hel-kamppi", "variant": None, "quantity": 12}],
    }
    payload.update(extra)
    return payload


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Basic auth checks the password on every request.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

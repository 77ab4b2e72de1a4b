"""Schemathesis against /api/schema/: generated requests to every operation
of the feed and the write API, through Django's WSGI application, get no
server error and no answer that breaks the published schema.

A small catalog (Cyrillic and Hungarian names, a variant, stock) is
published on the channel ``web``; feed calls carry a channel token and write
calls an administrator's HTTP Basic credentials. Generated path values are
swapped for real ones half of the time so that the answers are not all 404s.
The run is bounded: a few dozen examples per operation, well under two
minutes in all.
"""

import base64
import json
import os
import zlib

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, failure_report_title
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from catalog.models import Product
from publishing.models import ChannelToken
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.factories import make_store, make_variant
from tests.publishing.helpers import make_channel, make_complete_product

PASSWORD = "fuzz-only-password"
SKUS = ["FUZZ-1", "FUZZ-2", "FUZZ-3"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class _Application(WSGIHandler):
    """Django's WSGI application, keeping the test's transaction open: like
    Django's own test client, requests do not close the database connection
    (``close_old_connections`` runs on request_started and on
    request_finished, which the response's close() sends after the call).
    The ``catalog`` fixture disconnects it for the whole test."""


APPLICATION = _Application()
schema = schemathesis.openapi.from_wsgi("/api/schema/", APPLICATION)


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_context, value):
    """The bulk endpoint's NDJSON body. Generated values are strings (the
    schema calls it one), sent as they are: lines that are not JSON, and bytes
    that are not UTF-8 (lone surrogates), must be 400s, never 500s. The
    operation's examples are product objects (a list of them, or one), sent
    one per line."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    items = value if isinstance(value, list) else [value]
    return "\n".join(json.dumps(item) for item in items).encode()


class Seeded:
    token = ""
    basic = ""


@pytest.fixture
def _connections_kept():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def catalog(db, settings, _connections_kept):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Basic auth per request
    cache.clear()
    from django.contrib.auth import get_user_model

    channel = make_channel("web", languages=("en", "fi", "hu", "ru", "bg"), rate_limit="1000000/s")
    store = make_store("hel", names={"en": "Helsinki", "ru": "Хельсинки"})
    names = [
        {"en": "Cordless drill", "ru": "Аккумуляторная дрель", "hu": "Akkus fúró ő ű", "fi": "Akkuporakone ä ö"},
        {"en": "Hammer", "bg": "Чук", "fi": "Vasara"},
        {"en": "Saw 🪚", "ru": "Пила"},
    ]
    for sku, product_names in zip(SKUS, names):
        product = make_complete_product(sku=sku, names=product_names, stock={store: 4})
    make_variant(product, sku="FUZZ-3-A")
    publish_channel(channel)
    stamp_pending()
    _token, Seeded.token = ChannelToken.issue(channel, name="fuzz")
    get_user_model().objects.create_superuser("fuzzer", "fuzz@example.com", PASSWORD)
    Seeded.basic = base64.b64encode(f"fuzzer:{PASSWORD}".encode()).decode()
    yield
    cache.clear()


def _sometimes_real(case, location, name, real_values, share=2):
    """Replace a generated value by a real one for (share-1)/share of the
    values, chosen by the value itself so a failing example replays the same."""
    container = getattr(case, location) or {}
    value = container.get(name)
    if value is None:
        return
    digest = zlib.crc32(str(value).encode())
    if digest % share:
        container[name] = real_values[digest // share % len(real_values)]


# Known findings in code outside this test, each reproduced exactly by an
# xfail(strict=True) test: the fix makes that test pass (XPASS fails), and its
# entry here goes with it. None is open.
KNOWN_FINDINGS = []


def _validate(case, response, headers):
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        unknown = [failure for failure in group.exceptions
                   if not any(known(case, response, failure) for known in KNOWN_FINDINGS)]
        if unknown:
            reproduce = case.as_curl_command(headers={"Authorization": "[token or Basic]"})
            raise FailureGroup(unknown, f"{failure_report_title(unknown)}\n\n{reproduce}") from None


@pytest.mark.slow
# Every request media type of the schema is sent: one without a serializer
# would have its cases skipped with this warning, and the test fails instead.
@pytest.mark.filterwarnings("error:Skipped test cases with unsupported payload media types")
@schema.parametrize()
@hypothesis_settings(
    max_examples=int(os.environ.get("PIM_FUZZ_EXAMPLES", 25)), deadline=None,
    derandomize=not os.environ.get("PIM_FUZZ_EXAMPLES"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_api_answers_match_the_schema_and_never_fail(case, catalog):
    _sometimes_real(case, "path_parameters", "channel", ["web"], share=4)
    _sometimes_real(case, "path_parameters", "sku", SKUS)
    _sometimes_real(case, "query", "locale", ["en", "fi", "hu", "ru", "bg"])
    if case.operation.path.startswith("/api/v1/channels/"):
        headers = {"Authorization": f"Token {Seeded.token}"}
    else:
        headers = {"Authorization": f"Basic {Seeded.basic}"}
    # The WSGI test client does not decompress what GZipMiddleware sends.
    headers["Accept-Encoding"] = "identity"
    cache.clear()  # throttle counters: the fuzzer is no abuser
    response = case.call(headers=headers)
    _validate(case, response, headers)


def test_fuzzed_schema_covers_the_feed_and_the_write_api():
    operations = {
        f"{result.ok().method.upper()} {result.ok().path}"
        for result in schema.get_all_operations()
    }
    assert {
        "GET /api/v1/channels/{channel}/products/", "GET /api/v1/channels/{channel}/products/{sku}/",
        "GET /api/v1/products/", "POST /api/v1/products/", "PATCH /api/v1/products/{sku}/",
        "PUT /api/v1/products/{sku}/", "DELETE /api/v1/products/{sku}/", "POST /api/v1/products/bulk/",
    } <= operations


# --- the known findings, reproduced exactly -----------------------------------
# Through the same WSGI application and schema as the fuzzer.


def _request(method, path, body=None, auth="basic", **headers):
    from werkzeug.test import Client

    headers["Authorization"] = f"Basic {Seeded.basic}" if auth == "basic" else f"Token {Seeded.token}"
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
    if body is not None:
        headers["Content-Type"] = "application/json"
    return Client(APPLICATION).open(path, method=method, data=body, headers=headers)


def _product_body(sku, **extra):
    return {"sku": sku, "translations": {"en": {"name": "Fuzz"}}, **extra}


def _documented(path, method, status):
    return str(status) in schema.raw_schema["paths"][path][method.lower()]["responses"]


@pytest.mark.parametrize("part", [
    {"stock": [{"store": {}, "quantity": 1}]},
    {"prices": [{"price_list": {}, "amount": "1.00"}]},
])
def test_reference_code_of_the_wrong_type_is_a_validation_error(catalog, part):
    response = _request("POST", "/api/v1/products/", _product_body("FUZZ-NEW", **part))
    assert response.status_code == 400
    assert response.json["errors"]


@pytest.mark.parametrize("amount", ["9" * 30, -1.7976931348623155e308])
def test_amount_beyond_decimal_precision_is_a_validation_error(catalog, amount):
    body = _product_body("FUZZ-NEW", prices=[{"price_list": "retail", "amount": amount}])
    response = _request("POST", "/api/v1/products/", body)
    assert response.status_code == 400
    assert "prices[0].amount" in response.json["errors"]


def test_feed_page_matches_the_published_schema(catalog):
    response = _request("GET", "/api/v1/channels/web/products/?locale=en", auth="token",
                        **{"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.json["results"]
    schema["/api/v1/channels/{channel}/products/"]["GET"].validate_response(response)


def test_invalid_cursor_of_the_product_list_answers_a_documented_status(catalog):
    response = _request("GET", "/api/v1/products/?cursor=not-a-cursor", **{"Accept-Encoding": "identity"})
    assert response.status_code >= 400
    assert _documented("/api/v1/products/", "GET", response.status_code), response.status_code


def test_body_that_is_not_json_answers_the_documented_400(catalog):
    response = _request("PATCH", f"/api/v1/products/{SKUS[0]}/", b"\x00")
    assert response.status_code == 400
    schema["/api/v1/products/{sku}/"]["PATCH"].validate_response(response)


def test_malformed_if_match_on_delete_answers_a_documented_status(catalog):
    response = _request("DELETE", f"/api/v1/products/{SKUS[0]}/", **{"If-Match": '"NC6T"'})
    assert response.status_code >= 400
    assert _documented("/api/v1/products/{sku}/", "DELETE", response.status_code), response.status_code




# PostgreSQL cannot store U+0000: found by the fuzzer as a 500 there (and
# stored as is on SQLite). Now a 400 naming where it is, on both databases.
def test_nul_character_in_a_code_is_a_validation_error(catalog):
    response = _request("POST", "/api/v1/products/", _product_body("FUZZ-NUL", stock=[{"store": "hel\x00",
                                                                                     "quantity": 1}]))
    assert response.status_code == 400
    assert "body.stock[0].store" in response.get_data(as_text=True)
    assert not Product.objects.filter(sku="FUZZ-NUL").exists()


def test_nul_character_in_a_text_is_a_validation_error(catalog):
    response = _request("POST", "/api/v1/products/", _product_body("FUZZ-NUL", translations={"en": {"name": "Drill\x00"}}))
    assert response.status_code == 400
    assert "body.translations.en.name" in response.get_data(as_text=True)
    assert not Product.objects.filter(sku="FUZZ-NUL").exists()

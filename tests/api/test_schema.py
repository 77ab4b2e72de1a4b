"""The OpenAPI schema documents the write API accurately, with examples."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_product_endpoints_are_documented(schema):
    paths = schema["paths"]
    collection, item, bulk = (paths["/api/v1/products/"], paths["/api/v1/products/{sku}/"],
                              paths["/api/v1/products/bulk/"])
    assert {"get", "post"} <= set(collection) and {"get", "put", "patch", "delete"} <= set(item)
    filters = {p["name"] for p in collection["get"]["parameters"]}
    assert {"sku", "status", "family", "brand", "updated_since", "limit", "cursor"} <= filters
    for method in ("put", "patch"):
        operation = item[method]
        assert "If-Match" in {p["name"] for p in operation["parameters"]}
        assert {"200", "400", "403", "404", "412", "428"} <= set(operation["responses"])
        conflict = operation["responses"]["412"]["content"]["application/json"]
        assert next(iter(conflict["examples"].values()))["value"]["current_version"]
        assert "ETag" in operation["responses"]["200"]["headers"]
    invalid = item["patch"]["responses"]["400"]["content"]["application/json"]["examples"]
    assert "name[fi]" in next(iter(invalid.values()))["value"]["errors"]
    created = collection["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert "ru" in next(iter(created.values()))["value"]["translations"]
    assert set(bulk["post"]["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}
    statuses = bulk["post"]["responses"]["200"]["content"]["application/json"]["examples"]
    assert {line["status_code"] for line in next(iter(statuses.values()))["value"]} == {201, 204, 400, 412}
    assert "If-Match" in collection["get"]["description"] and "428" in collection["get"]["description"]


def test_product_component_matches_the_representation(schema):
    product = schema["components"]["schemas"]["Product"]["properties"]
    assert set(product) == {
        "sku", "gtin", "mpn", "brand", "family", "categories", "status", "review_state", "version",
        "translations", "attributes", "variants", "prices", "stock", "updated_at",
    }
    assert product["review_state"]["readOnly"] and product["updated_at"]["readOnly"]
    texts = schema["components"]["schemas"]["ProductTexts"]["properties"]
    assert set(texts) == {"name", "slug", "short_description", "description", "marketing_claims"}


def test_schema_is_valid_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/products/bulk/" in out.read_text()

"""OpenAPI schema and docs: served locally, valid, and describing the feed."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_documents_the_feed(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    feed = schema["paths"]["/api/v1/channels/{channel}/products/"]["get"]
    params = {p["name"]: p for p in feed["parameters"]}
    assert params["locale"]["required"] is True
    assert {"since", "limit", "channel", "If-None-Match"} <= set(params)
    assert "1000" in params["limit"]["description"]
    assert {"200", "304", "400", "401", "403", "410", "429"} <= set(feed["responses"])
    assert "Retry-After" in feed["responses"]["429"]["headers"]
    assert "full sync" in feed["description"].lower() and "tombstone" in feed["description"]
    assert feed["security"] == [{"channelToken": []}]
    examples = feed["responses"]["200"]["content"]["application/json"]["examples"]
    assert any(item.get("deleted") for ex in examples.values() for item in ex["value"]["results"])
    errors = schema["components"]["schemas"]["Error"]["properties"]
    assert set(errors) == {"detail", "code"}
    assert schema["components"]["schemas"]["FeedItem"]["oneOf"]
    tombstone = schema["components"]["schemas"]["Tombstone"]["properties"]
    assert set(tombstone) == {"sku", "deleted", "locale", "updated_at"}
    assert "/api/v1/channels/{channel}/products/{sku}/" in schema["paths"]


def test_schema_validates_without_warnings(tmp_path):
    # The same as `manage.py spectacular --validate --fail-on-warn`.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/channels/{channel}/products/" in out.read_text()


def test_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    for cdn in ("cdn.", "jsdelivr", "unpkg", "cdnjs", "https://"):
        assert cdn not in html, cdn
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

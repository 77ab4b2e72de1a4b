"""U+0000 in a write body is a clear 400 on every database (PostgreSQL cannot store it)."""

import json

import pytest

from catalog.api.parsers import nul_character_at


def test_finds_nul_in_values_and_keys_with_their_path():
    assert nul_character_at({"a": [{"b": "x"}, {"c": "y\x00"}]}) == "body.a[1].c"
    assert nul_character_at({"k\x00": 1}) == "body"
    assert nul_character_at({"a": ["fine", 1, None, {"b": "also fine"}]}) is None


@pytest.mark.django_db
def test_bulk_line_with_nul_is_refused_alone(admin_client):
    body = "\n".join([json.dumps({"sku": "NUL-1", "translations": {"en": {"name": "Drill\x00"}}}), "{}"])
    response = admin_client.post("/api/v1/products/bulk/", body, content_type="application/x-ndjson")
    text = response.content.decode()
    assert "line 1.translations.en.name" in text
    assert "NUL" in text

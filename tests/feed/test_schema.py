"""OpenAPI schema and docs: served locally, valid, and describing the feed."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

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


# --- the document schema follows the builder ---------------------------------------

def _schema(client):
    return json.loads(client.get("/api/schema/", {"format": "json"}).content)


class SchemaWalker:
    """Checks JSON values against the OpenAPI 3.0 schema drf-spectacular
    writes (refs, allOf, nullable, enums) and remembers every property path
    a value used, so the schema can be compared with the builder both ways."""

    TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}

    def __init__(self, schema):
        self.components = schema["components"]["schemas"]
        self.used = set()
        self.errors = []

    def resolve(self, node):
        node = dict(node)
        while "$ref" in node or "allOf" in node:
            if "$ref" in node:
                target = self.components[node.pop("$ref").rsplit("/", 1)[1]]
                node = {**target, **node}
            else:
                merged = {}
                for part in node.pop("allOf"):
                    merged.update(self.resolve(part))
                node = {**merged, **node}
        return node

    def check(self, value, node, path="$"):
        node = self.resolve(node)
        if value is None:
            if not node.get("nullable"):
                self.errors.append(f"{path}: null, but the schema does not allow it")
            return
        if "enum" in node and value not in node["enum"]:
            self.errors.append(f"{path}: {value!r} not in {node['enum']}")
        kind = node.get("type")
        if kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind in self.TYPES:
            ok = isinstance(value, self.TYPES[kind])
        else:
            ok = True  # JSONField: any JSON value
        if not ok:
            self.errors.append(f"{path}: {value!r} is not of type {kind}")
            return
        if kind == "array":
            for item in value:
                self.check(item, node.get("items", {}), f"{path}[]")
        elif kind == "object" and "properties" in node:
            properties = node["properties"]
            for key in sorted(set(value) - set(properties)):
                self.errors.append(f"{path}.{key}: emitted but missing from the schema")
            for key in sorted(set(node.get("required", ())) - set(value)):
                self.errors.append(f"{path}.{key}: required by the schema but not emitted")
            for key, item in value.items():
                if key in properties:
                    self.used.add(f"{path}.{key}")
                    self.check(item, properties[key], f"{path}.{key}")
        elif kind == "object" and isinstance(node.get("additionalProperties"), dict):
            for key, item in value.items():
                self.check(item, node["additionalProperties"], f"{path}.*")

    def paths(self, node, path="$", seen=()):
        """Every property path the schema describes below ``node``."""
        node = self.resolve(node)
        if node.get("type") == "array":
            return self.paths(node.get("items", {}), f"{path}[]", seen)
        found = set()
        for key, item in node.get("properties", {}).items():
            ref = item.get("$ref") or next((p.get("$ref") for p in item.get("allOf", ()) if "$ref" in p), None)
            if ref in seen:
                continue
            found.add(f"{path}.{key}")
            found |= self.paths(item, f"{path}.{key}", seen + ((ref,) if ref else ()))
        return found


@pytest.fixture
def built_documents(settings):
    """Real documents from the builder, together using every field it can
    emit: variants with their own weight and a sale, a product priced only
    through variants, a mapped category, stores, images, attributes, a
    relation, a replacement, a manual and a channel note."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from django.core.files.base import ContentFile

    from catalog.models import Attribute, Price, Product, ProductDocument, ProductRelation, Stock
    from publishing.documents import build_document, document_queryset
    from publishing.models import TextOverride
    from tests.factories import (
        make_attribute, make_brand, make_category, make_option, make_store, make_variant, set_value,
    )
    from tests.publishing.helpers import make_channel, make_complete_product, make_image

    channel = make_channel("web", languages=("en", "fi"))
    tools = make_category("tools", names={"en": "Tools", "fi": "Työkalut"})
    tools.google_product_category = "1167"
    tools.save()
    drills = make_category("drills", parent=tools, names={"en": "Drills", "fi": "Porakoneet"})
    store = make_store("kamppi")
    size = make_attribute("size", Attribute.Type.SELECT, is_variant_axis=True, labels={"en": "Size"})
    large = make_option(size, "l", {"en": "Large", "fi": "Iso"})
    voltage = make_attribute("voltage", Attribute.Type.MEASUREMENT, unit="V", labels={"en": "Voltage"})
    new = make_complete_product(sku="NEW", names={"en": "New drill", "fi": "Uusi pora"})
    drill = make_complete_product(
        sku="DRILL", names={"en": "Drill", "fi": "Pora"}, price="129", brand=make_brand(), categories=[drills],
        stock={store: 3}, gtin="4006381333931", weight_grams=1450, status=Product.Status.DISCONTINUED,
        replacement=new,
    )
    set_value(drill, voltage, "18")
    variant = make_variant(drill, sku="DRILL-L", axis_values=[large])
    variant.weight_grams = 1600
    variant.save()
    make_image(drill, variant=variant)
    Stock.objects.create(store=store, product=drill, variant=variant, quantity=2)
    now = timezone.now()
    Price.objects.create(price_list=channel.price_list, product=drill, variant=variant, amount=Decimal("119"))
    Price.objects.create(price_list=channel.price_list, product=drill, variant=variant, amount=Decimal("99"),
                         valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=1))
    Price.objects.create(price_list=channel.price_list, product=drill, amount=Decimal("109"),
                         valid_from=now - timedelta(days=1))
    ProductRelation.objects.create(product=drill, related=new, kind="accessory")
    TextOverride.objects.create(product=drill, channel=channel, language_code="fi", field="note", value="Vain netissä")
    ProductDocument.objects.create(product=drill, language_code="fi", kind=ProductDocument.Kind.MANUAL,
                                   title="Käyttöohje", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="manual-fi.pdf"))
    kit = make_complete_product(sku="KIT", names={"en": "Kit"}, price=None)  # priced through its variant only
    kit_variant = make_variant(kit, sku="KIT-1")
    Price.objects.create(price_list=channel.price_list, product=kit, variant=kit_variant, amount=Decimal("49"))
    products = list(document_queryset(channel).filter(sku__in=["DRILL", "KIT", "NEW"]))
    documents = [build_document(product, channel, locale) for product in products for locale in ("en", "fi")]
    drill_fi = next(d for d in documents if d["sku"] == "DRILL" and d["locale"] == "fi")
    assert drill_fi["variants"][0]["price"]["sale"] and drill_fi["categories"][0]["google_product_category"]
    assert drill_fi["documents"][0]["title"] == "Käyttöohje"
    assert next(d for d in documents if d["sku"] == "KIT")["price"]["from"] is True
    return documents


@pytest.mark.django_db
def test_every_field_the_builder_emits_is_in_the_schema_and_back(client, built_documents):
    walker = SchemaWalker(_schema(client))
    document = walker.components["Document"]
    for built in built_documents:
        walker.check(built, document)
    assert walker.errors == []
    # Nothing the schema describes is left unemitted (no field from an old shape).
    assert walker.paths(document) - walker.used == set()


@pytest.mark.django_db
def test_the_examples_match_the_schema(client):
    from publishing.feed.serializers import EXAMPLE_DOCUMENT, EXAMPLE_TOMBSTONE

    schema = _schema(client)
    walker = SchemaWalker(schema)
    walker.check(EXAMPLE_DOCUMENT, walker.components["Document"])
    walker.check(EXAMPLE_TOMBSTONE, walker.components["Tombstone"])
    one = schema["paths"]["/api/v1/channels/{channel}/products/{sku}/"]["get"]["responses"]["200"]
    examples = one["content"]["application/json"]["examples"]
    assert [example["value"] for example in examples.values()] == [EXAMPLE_DOCUMENT]
    for example in schema["paths"]["/api/v1/channels/{channel}/products/"]["get"]["responses"]["200"][
            "content"]["application/json"]["examples"].values():
        walker.check(example["value"], walker.components["FeedPage"])
    assert walker.errors == []
    valid_locales = walker.components["LocaleError"]["properties"]["valid_locales"]["description"]
    assert "invalid_locale" in valid_locales and "unknown_locale" not in json.dumps(schema["paths"])


@pytest.mark.django_db
def test_marketplace_file_examples_follow_the_writers(client):
    """The pull's 200 examples are what the real endpoint serves for the
    feed's example document: the same columns and the same XML elements."""
    from lxml import etree

    from publishing.exports.examples import SAMPLES
    from publishing.feed.serializers import EXAMPLE_DOCUMENT
    from publishing.models import ChannelToken
    from tests.publishing.helpers import make_channel

    from .conftest import Feed

    channel = make_channel("google-fi", languages=("fi",), kind="marketplace", feed_label="FI")
    fields = {k: v for k, v in EXAMPLE_DOCUMENT.items() if k not in ("sku", "locale", "deleted", "updated_at")}
    Feed(channel).put(EXAMPLE_DOCUMENT["sku"], locale="fi", **fields)
    _token, raw = ChannelToken.issue(channel)
    schema = _schema(client)["paths"]["/feeds/{channel}/{locale}/{export_format}"]["get"]["responses"]["200"]
    pull = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    for code, (media_type, example) in SAMPLES.items():
        assert example in [e["value"] for e in schema["content"][media_type]["examples"].values()], code
        response = pull.get(f"/feeds/google-fi/fi/{code}")
        assert response.status_code == 200 and response["Content-Type"].startswith(media_type), code
        real = b"".join(response.streaming_content).decode("utf-8")
        if media_type == "application/xml":
            def shape(text):
                return [element.tag for element in etree.fromstring(text.encode()).iter()]
            assert shape(example) == shape(real), code
        else:
            assert example.splitlines()[0] == real.splitlines()[0], code  # the header row
            assert len(example.splitlines()) == len(real.splitlines()), code


def test_swagger_ui_asks_no_outside_validator(client):
    html = client.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in html

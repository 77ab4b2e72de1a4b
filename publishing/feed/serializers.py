"""Serializers that describe the feed's JSON for the OpenAPI schema.

The feed itself serves stored documents as they are (publishing.documents
builds them); these classes only document that shape, with examples.
"""

from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers


AVAILABILITY = ["in_stock", "out_of_stock", "preorder", "backorder"]


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField(help_text="Names from the root down, joined with \" > \".")
    google_product_category = serializers.CharField(
        required=False, help_text="Google product category (taxonomy id or path) of this category or of its "
                                  "nearest mapped ancestor; present only when one is mapped.",
    )


class SaleSerializer(serializers.Serializer):
    amount = serializers.CharField()
    until = serializers.DateTimeField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField(allow_null=True)  # a Python keyword
        return fields


class VariantPriceSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text="Decimal as a string, e.g. \"12.90\".")
    currency = serializers.CharField(help_text="ISO 4217 code of the channel's price list.")
    includes_vat = serializers.BooleanField()
    sale = SaleSerializer(required=False, help_text="A lower dated price, while it is open.")


class PriceSerializer(VariantPriceSerializer):
    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.BooleanField(
            required=False, help_text="True when the product is priced only through its variants "
                                      "and this is the lowest variant price.",
        )
        return fields


class StoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    availability = serializers.ChoiceField(choices=AVAILABILITY)
    quantity = serializers.IntegerField()


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    format = serializers.CharField()


class ImageSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Absolute URL under PIM_MEDIA_URL.")
    alt = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    role = serializers.CharField()
    renditions = RenditionSerializer(many=True)


class AttributeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="Translated into the locale.")
    value = serializers.JSONField(help_text="Typed value: string, number, boolean, ISO date, option code(s).")
    display = serializers.CharField(help_text="Formatted for the locale, with unit.")
    unit = serializers.CharField(allow_null=True)


class VariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    gtin = serializers.CharField(allow_null=True)
    axes = serializers.DictField(child=serializers.CharField(), help_text="Axis code → translated value.")
    price = VariantPriceSerializer(allow_null=True, help_text="The variant's own price, else the product's.")
    availability = serializers.ChoiceField(choices=AVAILABILITY)
    quantity = serializers.IntegerField()
    stores = StoreSerializer(many=True)
    images = ImageSerializer(many=True)
    weight_grams = serializers.IntegerField(allow_null=True, help_text="The variant's own weight, else the product's.")


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    sku = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField(allow_null=True)


class FileSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField(help_text="What the file is: manual, safety (data sheet), certificate, datasheet, other.")
    url = serializers.URLField(help_text="Absolute URL under PIM_MEDIA_URL.")


class ReplacementSerializer(serializers.Serializer):
    sku = serializers.CharField()
    url = serializers.URLField(allow_null=True)


# The constant `deleted` tells the two item shapes apart, so that a live
# document matches exactly one branch of FeedItem's oneOf.
@extend_schema_field({"type": "boolean", "enum": [False]})
class LiveFlag(serializers.BooleanField):
    pass


@extend_schema_field({"type": "boolean", "enum": [True]})
class TombstoneFlag(serializers.BooleanField):
    pass


class DocumentSerializer(serializers.Serializer):
    """A published product document in one locale."""

    sku = serializers.CharField()
    deleted = LiveFlag(help_text="Always false for a document.")
    locale = serializers.CharField()
    name = serializers.CharField()
    short_description = serializers.CharField(allow_blank=True, help_text="HTML.")
    description = serializers.CharField(allow_blank=True, help_text="HTML.")
    note = serializers.CharField(allow_blank=True, help_text="A channel-specific note (may be empty).")
    claims = serializers.ListField(child=serializers.CharField())
    brand = serializers.CharField(allow_null=True, help_text="Brand name.")
    gtin = serializers.CharField(allow_null=True)
    mpn = serializers.CharField(allow_null=True)
    categories = CategorySerializer(many=True)
    url = serializers.URLField(allow_null=True, help_text="The product page in this locale (absolute, RFC 3986).")
    price = PriceSerializer(allow_null=True)
    availability = serializers.ChoiceField(choices=AVAILABILITY)
    available_from = serializers.DateField(allow_null=True)
    quantity = serializers.IntegerField()
    weight_grams = serializers.IntegerField(allow_null=True, help_text="Shipping weight in grams.")
    stores = StoreSerializer(many=True)
    images = ImageSerializer(many=True)
    attributes = AttributeSerializer(many=True)
    variants = VariantSerializer(many=True)
    relations = RelationSerializer(many=True)
    documents = FileSerializer(many=True, help_text="Files (manuals, safety sheets …) in this locale.")
    status = serializers.ChoiceField(choices=["active", "discontinued"])
    replacement = ReplacementSerializer(allow_null=True)
    fallback = serializers.ListField(
        child=serializers.CharField(),
        help_text="Fields served from a fallback language; empty when none.",
    )
    updated_at = serializers.DateTimeField(help_text="ISO 8601; when this document last changed.")


class TombstoneSerializer(serializers.Serializer):
    """A withdrawn or deleted product: remove it from your copy."""

    sku = serializers.CharField()
    deleted = TombstoneFlag(help_text="Always true for a tombstone.")
    locale = serializers.CharField()
    updated_at = serializers.DateTimeField(help_text="When the product was withdrawn or deleted.")


FeedItem = PolymorphicProxySerializer(
    component_name="FeedItem",
    serializers=[DocumentSerializer, TombstoneSerializer],
    resource_type_field_name=None,
    many=True,
)


class FeedPageSerializer(serializers.Serializer):
    results = FeedItem
    next_cursor = serializers.CharField(
        help_text="Always present. Pass it as `since` to get the next page. After the last page "
                  "(`has_more` false) it is the cursor to store for the next delta; on an empty delta "
                  "page it equals the cursor that was sent.",
    )
    has_more = serializers.BooleanField(help_text="True when another page follows at once.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Human-readable message.")
    code = serializers.CharField(help_text="Machine-readable code.")


class LocaleErrorSerializer(ErrorSerializer):
    valid_locales = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="With code invalid_locale: the locales this channel publishes.",
    )


EXAMPLE_DOCUMENT = {
    "sku": "DRILL-18V",
    "deleted": False,
    "locale": "fi",
    "name": "Akkuporakone 18 V",
    "short_description": "<p>Kevyt ja tehokas.</p>",
    "description": "<p>Kahden vaihteen akkuporakone.</p>",
    "note": "",
    "claims": [],
    "brand": "Nordtool",
    "gtin": "6410000000018",
    "mpn": None,
    "categories": [{"code": "drills", "name": "Porakoneet", "path": "Työkalut > Porakoneet",
                    "google_product_category": "1167"}],
    "url": "http://127.0.0.1:8000/fi/p/akkuporakone-18-v/",
    "price": {"amount": "129.00", "currency": "EUR", "includes_vat": True},
    "availability": "in_stock",
    "available_from": None,
    "quantity": 7,
    "weight_grams": 1450,
    "stores": [{"code": "kamppi", "name": "Kampin myymälä", "availability": "in_stock", "quantity": 7}],
    "images": [{
        "url": "http://127.0.0.1:8000/media/images/3f2a.jpg", "alt": "Akkuporakone", "width": 1600,
        "height": 1200,
        "role": "main", "renditions": [{"url": "http://127.0.0.1:8000/media/renditions/3f2a-640.webp", "width": 640,
                        "format": "webp"}],
    }],
    "attributes": [{"code": "voltage", "label": "Jännite", "value": 18, "display": "18 V", "unit": "V"}],
    "variants": [],
    "relations": [],
    "documents": [{"title": "Käyttöohje", "kind": "manual",
                   "url": "http://127.0.0.1:8000/media/documents/drill-18v-fi.pdf"}],
    "status": "active",
    "replacement": None,
    "fallback": [],
    "updated_at": "2026-11-24T09:15:02.120000+00:00",
}
EXAMPLE_TOMBSTONE = {"sku": "SAW-120", "deleted": True, "locale": "fi", "updated_at": "2026-11-24T10:01:40+00:00"}

DOCUMENT_EXAMPLES = [
    OpenApiExample("Document", summary="One product in Finnish", value=EXAMPLE_DOCUMENT,
                   response_only=True, status_codes=["200"]),
]

PAGE_EXAMPLES = [
    OpenApiExample(
        "Full sync, first page",
        summary="No since: current state, no tombstones",
        value={"results": [EXAMPLE_DOCUMENT], "next_cursor": "djE6MzpmaToxMjA6NDEw.0aQ2Kp3mS7xq1cW2nZ8b1A",
               "has_more": True},
        response_only=True, status_codes=["200"],
    ),
    OpenApiExample(
        "Delta page",
        summary="With since: changes after the cursor, tombstones included",
        value={"results": [EXAMPLE_DOCUMENT, EXAMPLE_TOMBSTONE],
               "next_cursor": "djE6MzpmaTo0MTI.Yk3v0rN1m2q8Xw5sTq9e7g", "has_more": False},
        response_only=True, status_codes=["200"],
    ),
    OpenApiExample(
        "Nothing new",
        summary="Empty delta: next_cursor equals the cursor sent",
        value={"results": [], "next_cursor": "djE6MzpmaTo0MTI.Yk3v0rN1m2q8Xw5sTq9e7g", "has_more": False},
        response_only=True, status_codes=["200"],
    ),
]


def error_example(name, status_code, detail, code, **extra):
    return OpenApiExample(
        name, value={"detail": detail, "code": code, **extra}, response_only=True, status_codes=[str(status_code)],
    )

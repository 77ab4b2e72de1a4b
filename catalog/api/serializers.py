"""The write API's product representation: the loading plan, the dict it
reads back, and serializers that describe that shape (with examples) for the
OpenAPI schema. Writes are validated by catalog.services, not here, so the
admin, import and API share one set of rules."""

from django.conf import settings
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from ..models import Attribute, AttributeOption, AttributeValue, Category, Price, Product, Stock, Variant
from ..models.products import TRANSLATED_PRODUCT_FIELDS


def api_queryset():
    """Products with everything the representation reads: a page of 10 or
    1000 products costs the same number of queries."""
    return Product.objects.select_related("brand", "family").prefetch_related(
        "translations",
        Prefetch("categories", queryset=Category.objects.order_by("tree_path")),
        Prefetch(
            "attribute_values",
            queryset=AttributeValue.objects.select_related("attribute", "option").prefetch_related("options")
            .order_by("attribute__position", "attribute__code", "language_code"),
        ),
        Prefetch(
            "variants",
            queryset=Variant.objects.prefetch_related(
                Prefetch("axis_values", queryset=AttributeOption.objects.select_related("attribute")),
            ),
        ),
        Prefetch("prices", queryset=Price.objects.select_related("price_list", "variant")
                 .order_by("price_list__code", "variant__sku", "valid_from", "pk")),
        Prefetch("stock", queryset=Stock.objects.select_related("store", "variant")
                 .order_by("store__code", "variant__sku")),
    )


def decimal_text(value):
    """A Decimal as plain text without padding zeros ("12.5", "1200")."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def attribute_json(row):
    """The JSON form of a stored attribute value (None when empty)."""
    T = Attribute.Type
    kind = row.attribute.type
    if kind in (T.NUMBER, T.MEASUREMENT):
        return decimal_text(row.value_number)
    if kind == T.BOOLEAN:
        return row.value_bool
    if kind == T.DATE:
        return row.value_date.isoformat() if row.value_date else None
    if kind == T.SELECT:
        return row.option.code if row.option_id else None
    if kind == T.MULTI_SELECT:
        return [option.code for option in row.options.all()] or None
    return row.value_text or None


def _datetime(value):
    return serializers.DateTimeField().to_representation(value) if value else None


def product_representation(product):
    """The product as the write API reads and writes it (prefetched with ``api_queryset()``)."""
    order = {code: index for index, code in enumerate(settings.LANGUAGE_CODES)}
    translations = {
        t.language_code: {key: getattr(t, key) for key in TRANSLATED_PRODUCT_FIELDS}
        for t in sorted(product.translations.all(), key=lambda t: order.get(t.language_code, 99))
    }
    return {
        "sku": product.sku,
        "gtin": product.gtin,
        "mpn": product.mpn,
        "brand": product.brand.code if product.brand_id else None,
        "family": product.family.code if product.family_id else None,
        "categories": [category.code for category in product.categories.all()],
        "status": product.status,
        "review_state": product.review_state,
        "version": product.version,
        "translations": translations,
        "attributes": [
            {"code": row.attribute.code, "locale": row.language_code or None, "value": attribute_json(row)}
            for row in product.attribute_values.all() if not row.is_empty()
        ],
        "variants": [
            {"sku": variant.sku, "gtin": variant.gtin,
             "axes": {option.attribute.code: option.code for option in variant.axis_values.all()}}
            for variant in product.variants.all()
        ],
        "prices": [
            {"price_list": price.price_list.code, "variant": price.variant.sku if price.variant_id else None,
             "amount": f"{price.amount:.2f}", "valid_from": _datetime(price.valid_from),
             "valid_until": _datetime(price.valid_until)}
            for price in product.prices.all()
        ],
        "stock": [
            {"store": row.store.code, "variant": row.variant.sku if row.variant_id else None,
             "quantity": row.quantity}
            for row in product.stock.all()
        ],
        "updated_at": _datetime(product.updated_at),
    }


# --- shape of the JSON, for the schema -----------------------------------------

class ProductTextsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text="Required in every language the product has.")
    slug = serializers.CharField(
        required=False, max_length=255,
        help_text="URL slug, unique in this language. Omitted: kept, or made from the name for a new "
                  "language; empty: made again from the name.",
    )
    short_description = serializers.CharField(required=False, allow_blank=True,
                                              help_text="Simple HTML; scripts and styles are removed.")
    description = serializers.CharField(required=False, allow_blank=True,
                                        help_text="Simple HTML; scripts and styles are removed.")
    marketing_claims = serializers.CharField(required=False, allow_blank=True, help_text="One claim per line.")


class ProductAttributeValueSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Attribute code.")
    locale = serializers.CharField(
        allow_null=True, required=False,
        help_text="Language of a localizable attribute; null for attributes that are the same in every language.",
    )
    value = serializers.JSONField(
        allow_null=True,
        help_text="Typed: number and measurement as a decimal string (\"1200\", \"12.5\"), boolean, date "
                  "\"YYYY-MM-DD\", select: option code, multi-select: list of option codes, text: string. "
                  "null removes the value.",
    )


class ProductVariantSerializer(serializers.Serializer):
    sku = serializers.CharField(help_text="Unique across products and variants.")
    gtin = serializers.CharField(required=False, allow_blank=True, help_text="GTIN-8/12/13/14 with check digit.")
    axes = serializers.DictField(
        child=serializers.CharField(), required=False,
        help_text="Variant axis attribute code → option code, e.g. {\"colour\": \"red\"}.",
    )


class ProductPriceSerializer(serializers.Serializer):
    price_list = serializers.CharField(help_text="Price list code.")
    variant = serializers.CharField(allow_null=True, required=False, help_text="Variant SKU, or null for the product.")
    amount = serializers.CharField(help_text="Decimal as a string, at most 2 decimals, e.g. \"129.90\".")
    valid_from = serializers.DateTimeField(allow_null=True, required=False)
    valid_until = serializers.DateTimeField(allow_null=True, required=False)


class ProductStockSerializer(serializers.Serializer):
    store = serializers.CharField(help_text="Store or warehouse code.")
    variant = serializers.CharField(allow_null=True, required=False, help_text="Variant SKU, or null for the product.")
    quantity = serializers.IntegerField()


class ProductSerializer(serializers.Serializer):
    """A product as integrators write and read it."""

    sku = serializers.CharField(max_length=64, help_text="Unique; cannot be changed after creation.")
    gtin = serializers.CharField(required=False, allow_blank=True, help_text="GTIN-8/12/13/14 as a string.")
    mpn = serializers.CharField(required=False, allow_blank=True)
    brand = serializers.CharField(required=False, allow_null=True, help_text="Brand code.")
    family = serializers.CharField(required=False, allow_null=True, help_text="Family (attribute set) code.")
    categories = serializers.ListField(child=serializers.CharField(), required=False, help_text="Category codes.")
    status = serializers.ChoiceField(choices=Product.Status.values, required=False)
    review_state = serializers.ChoiceField(choices=Product.ReviewState.values, read_only=True)
    version = serializers.IntegerField(
        required=False,
        help_text="Current version (read). On PUT/PATCH an alternative to the If-Match header; in a bulk "
                  "line, required to update an existing product.",
    )
    translations = serializers.DictField(
        child=ProductTextsSerializer(), required=False,
        help_text="Language code → texts. On PATCH only the languages given change (null removes a language); "
                  "within a language only the fields given change.",
    )
    attributes = ProductAttributeValueSerializer(
        many=True, required=False,
        help_text="On PATCH only the (code, locale) pairs given change; on PUT the list is the whole set.",
    )
    variants = ProductVariantSerializer(many=True, required=False,
                                        help_text="The whole set of variants, matched by SKU.")
    prices = ProductPriceSerializer(many=True, required=False, help_text="The whole set of prices.")
    stock = ProductStockSerializer(many=True, required=False, help_text="The whole set of stock rows.")
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        return product_representation(instance)


class ApiErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class ValidationErrorSerializer(ApiErrorSerializer):
    # Absent when the body could not be parsed at all (code "parse_error").
    errors = serializers.DictField(
        required=False,
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field → messages. Fields carry the language (\"name[fi]\"), attributes are \"attr:CODE\" "
                  "or \"attr:CODE[fi]\", list items \"variants[0].sku\".",
    )


class VersionConflictSerializer(ApiErrorSerializer):
    current_version = serializers.IntegerField()


BULK_RESULTS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "line": {"type": "integer", "description": "1-based position of the item in the request."},
            "sku": {"type": "string", "nullable": True},
            "status_code": {
                "type": "integer", "enum": [201, 204, 400, 403, 412, 428],
                "description": "201 created, 204 updated (or unchanged), 400 invalid, 403 outside the languages "
                               "the account may edit, 412 stale version, 428 version missing.",
            },
            "version": {"type": "integer", "description": "The product's version after a 201 or 204."},
            "code": {"type": "string", "enum": ["invalid", "language_not_allowed", "field_not_allowed",
                                                "version_conflict", "version_required"]},
            "errors": {
                "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "With 400 and 403: field → messages, keyed like single-product errors.",
            },
            "current_version": {"type": "integer", "description": "With 412: the version to read again."},
        },
        "required": ["line", "sku", "status_code"],
    },
}


# --- examples --------------------------------------------------------------------

PRODUCT_EXAMPLE = {
    "sku": "DRILL-18V",
    "gtin": "6417182000010",
    "mpn": "NT-18-2",
    "brand": "nordtool",
    "family": "power_tools",
    "categories": ["drills"],
    "status": "active",
    "translations": {
        "fi": {"name": "Akkuporakone 18 V", "short_description": "<p>Kevyt ja tehokas.</p>",
               "description": "<p>Kaksi akkua ja laturi.</p>", "marketing_claims": "Suomalainen suunnittelu"},
        "hu": {"name": "Akkus fúró 18 V – erőteljes"},
        "ru": {"name": "Аккумуляторная дрель 18 В"},
    },
    "attributes": [
        {"code": "power", "locale": None, "value": "1200"},
        {"code": "cordless", "locale": None, "value": True},
        {"code": "colour", "locale": None, "value": "red"},
        {"code": "features", "locale": None, "value": ["led", "brushless"]},
        {"code": "warranty_note", "locale": "fi", "value": "Takuu 3 vuotta"},
    ],
    "variants": [{"sku": "DRILL-18V-RED", "gtin": "", "axes": {"colour": "red"}}],
    "prices": [{"price_list": "retail", "variant": None, "amount": "129.90", "valid_from": None,
                "valid_until": None}],
    "stock": [{"store": "hel-kamppi", "variant": None, "quantity": 12}],
}
PRODUCT_READ_EXAMPLE = {
    **PRODUCT_EXAMPLE,
    "review_state": "approved",
    "version": 4,
    "translations": {
        "fi": {"name": "Akkuporakone 18 V", "slug": "akkuporakone-18-v",
               "short_description": "<p>Kevyt ja tehokas.</p>", "description": "<p>Kaksi akkua ja laturi.</p>",
               "marketing_claims": "Suomalainen suunnittelu"},
        "hu": {"name": "Akkus fúró 18 V – erőteljes", "slug": "akkus-fúró-18-v-erőteljes",
               "short_description": "", "description": "", "marketing_claims": ""},
        "ru": {"name": "Аккумуляторная дрель 18 В", "slug": "аккумуляторная-дрель-18-в",
               "short_description": "", "description": "", "marketing_claims": ""},
    },
    "updated_at": "2026-05-04T10:15:00+03:00",
}
PATCH_EXAMPLE = {
    "translations": {"ru": {"name": "Дрель-шуруповёрт 18 В"}},
    "attributes": [{"code": "power", "locale": None, "value": "1300"}],
}


def request_example(name, value, summary=""):
    return OpenApiExample(name, value=value, summary=summary, request_only=True)


def response_example(name, value, status_code, summary=""):
    return OpenApiExample(name, value=value, summary=summary, response_only=True, status_codes=[str(status_code)])


def error_example(name, status_code, detail, code, **extra):
    return response_example(name, {"detail": detail, "code": code, **extra}, status_code)


VALIDATION_EXAMPLE = error_example(
    "Invalid values", 400, "name[fi]: Give the product a name in this language.", "invalid",
    errors={
        "name[fi]": ["Give the product a name in this language."],
        "gtin": ["The GTIN check digit is wrong."],
        "attr:power": ["'lots' is not a number."],
        "attr:colour": ["Not an option of colour: pink. Options: red, blue."],
        "slug[hu]": ["Another product already uses the slug 'akkus-fúró' in this language."],
        "translations[de]": ["Unknown language 'de'. Use one of: en, fi, hu, ru, bg."],
    },
)
CONFLICT_EXAMPLE = error_example(
    "Stale version", 412, "The product was changed after you read it (now version 5). "
    "Read it again and repeat your change.", "version_conflict", current_version=5,
)
VERSION_REQUIRED_EXAMPLE = error_example(
    "Version missing", 428, "Send the version you read in the If-Match header (or \"version\" in the body).",
    "version_required",
)
BULK_REQUEST_EXAMPLE = [
    {"sku": "LAMP-1", "translations": {"fi": {"name": "Työvalo"}, "ru": {"name": "Рабочий фонарь"}}},
    {"sku": "DRILL-18V", "version": 4, "attributes": [{"code": "power", "locale": None, "value": "1300"}]},
    {"sku": "SAW-2", "gtin": "123"},
    {"sku": "DRILL-14V", "version": 1, "translations": {"fi": {"name": "Porakone 14 V"}}},
]
BULK_RESPONSE_EXAMPLE = [
    {"line": 1, "sku": "LAMP-1", "status_code": 201, "version": 1},
    {"line": 2, "sku": "DRILL-18V", "status_code": 204, "version": 5},
    {"line": 3, "sku": "SAW-2", "status_code": 400, "code": "invalid",
     "errors": {"gtin": ["A GTIN has 8, 12, 13 or 14 digits."]}},
    {"line": 4, "sku": "DRILL-14V", "status_code": 412, "code": "version_conflict", "current_version": 3},
]

"""Write API endpoints: products by SKU (list, read, create, replace, patch,
delete) and the bulk upsert. Thin: catalog.services does the work."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from parler.cache import _delete_cached_translations
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .. import services
from ..models import Product
from ..models.products import TRANSLATED_PRODUCT_FIELDS
from ..permissions import api_errors, is_language_limited, neutral_refused_message, refused_changes
from ..workflow import after_edit
from .errors import (
    FieldNotAllowed, LanguageNotAllowed, TooManyItems, VersionConflictError, VersionRequired, refusal,
)
from .filters import ProductFilter
from .parsers import NDJSONParser, TextJSONParser
from .permissions import ProductPermissions
from .serializers import (
    BULK_REQUEST_EXAMPLE, BULK_RESPONSE_EXAMPLE, CONFLICT_EXAMPLE, PATCH_EXAMPLE, PRODUCT_EXAMPLE,
    PRODUCT_READ_EXAMPLE, VALIDATION_EXAMPLE, VERSION_REQUIRED_EXAMPLE, ApiErrorSerializer, BULK_RESULTS_SCHEMA,
    ProductSerializer, ValidationErrorSerializer, VersionConflictSerializer, api_queryset, error_example,
    product_representation, request_example, response_example,
)

BULK_MAX_ITEMS = getattr(settings, "PIM_API_BULK_MAX_ITEMS", 1000)

WRITE_GUIDE = """
Products of the truth, by SKU, for integrators (ERP, supplier feeds). Sign in
with HTTP Basic (or a session); Django model permissions apply:
`catalog.view_product` to read, `add_product`, `change_product` and
`delete_product` to write, both `add_product` and `change_product` for the
bulk upsert.

**Per-language values.** Texts live under `translations`, one object per
language code (`en`, `fi`, `hu`, `ru`, `bg`). Localizable attributes carry a
`locale`; the others have `locale: null`. A slug left out is made from the
name (and kept when the name later changes); slugs are unique per language.
Descriptions accept simple HTML; scripts, styles and event handlers are
removed.

**PUT replaces, PATCH merges** (in the spirit of Akeneo): PUT sends the whole
product and clears what it leaves out; PATCH changes only the keys it sends.
In `translations` only the languages sent change (`null` removes a
language), and inside a language only the fields sent. In `attributes` only
the `(code, locale)` pairs sent change (`value: null` removes one).
`categories`, `variants`, `prices` and `stock`, when sent, are the whole set.

**No silent overwrites.** Every product has a `version`, also sent as the
`ETag` header. PUT and PATCH must send the version they read as
`If-Match: "<version>"` (or `"version"` in the body): without it the answer is
428 `version_required`; if someone saved in between it is 412
`version_conflict` with `current_version`. Read again, reapply, send again.
An update that changes nothing keeps the version.

**Translators limited to some languages** (an account with language limits)
change only the texts of those languages: names and descriptions under
`translations`, and attribute values whose `locale` is one of them. Any other
change is refused with 403 and nothing is saved: `language_not_allowed` when
only texts of other languages were changed, `field_not_allowed` when a
language-neutral field was (SKU, GTIN, brand, family, categories, status,
attributes with `locale: null`, variants, prices, stock); `errors` names each
refused field. Sending a value unchanged is fine, so a product read with GET
can be edited and sent back whole. Creating and deleting products is refused.
In a bulk upsert such a line answers 403 and the other lines are saved.

**Errors** are JSON `{"detail", "code"}`; validation errors (400 `invalid`)
add `errors` keyed by field and language: `name[fi]`, `slug[ru]`, `gtin`,
`attr:power`, `attr:warranty_note[fi]`, `variants[0].sku`, `prices[1].amount`.
"""

SKU = OpenApiParameter("sku", str, OpenApiParameter.PATH, description="Product SKU.")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="The version you read, e.g. `\"4\"` (the ETag). Required for PUT and PATCH unless the body "
                "carries `version`.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="Optional: delete only if the product is still this version.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False,
    description="The ETag you hold; 304 when the product is still that version.",
)
ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=["200", "201"],
    description="The product's version, quoted, e.g. `\"4\"`.",
)

AUTH_ERRORS = {
    401: OpenApiResponse(ApiErrorSerializer, description="Not signed in.", examples=[
        error_example("Not signed in", 401, "Authentication credentials were not provided.", "not_authenticated"),
    ]),
    403: OpenApiResponse(
        ValidationErrorSerializer,
        description="Missing model permission, or a change outside the languages a translator may edit.",
        examples=[
            error_example("No permission", 403, "You do not have permission to perform this action.",
                          "permission_denied"),
            error_example("Other language", 403, "You may not edit texts in some of the languages sent.",
                          "language_not_allowed",
                          errors={"name[fi]": ["You may not edit texts in this language (fi)."]}),
            error_example("Language-neutral field", 403,
                          "Your account may change only the texts of its languages; nothing was saved.",
                          "field_not_allowed",
                          errors={"gtin": ["Your account may edit translated texts only."],
                                  "attr:power": ["Your account may edit translated texts only."]}),
        ],
    ),
}
NOT_FOUND = {404: OpenApiResponse(ApiErrorSerializer, description="No product with this SKU.", examples=[
    error_example("Unknown SKU", 404, "No product with SKU 'DRILL-99'.", "not_found"),
])}
INVALID = {400: OpenApiResponse(ValidationErrorSerializer, description="Invalid values, keyed by field and language.",
                                examples=[VALIDATION_EXAMPLE])}
LOCKING_ERRORS = {
    412: OpenApiResponse(VersionConflictSerializer, description="The version sent is stale.",
                         examples=[CONFLICT_EXAMPLE]),
    428: OpenApiResponse(ApiErrorSerializer, description="No version sent.", examples=[VERSION_REQUIRED_EXAMPLE]),
}


class ProductPagination(CursorPagination):
    """Pages ordered by SKU; the cursor stays stable while products change."""

    ordering = "sku"
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 1000

    def decode_cursor(self, request):
        # A malformed cursor is a bad request (400), not a missing page.
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [_("Invalid cursor.")]}) from None

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["next"]["example"] = "http://127.0.0.1:8000/api/v1/products/?cursor=cD1EUklMTC0xOFY%3D"
        result["properties"]["previous"]["example"] = None
        return result


class ProductReplaceSerializer(ProductSerializer):
    """PUT body: the SKU comes from the URL."""

    sku = serializers.CharField(max_length=64, required=False, help_text="Optional; must equal the SKU in the URL.")


def _etag(product):
    return f'"{product.version}"'


def _matches(header, product):
    """Whether an If-None-Match header names the product's current version."""
    if not header:
        return False
    try:
        return any(_version_from_header(tag) == product.version for tag in header.split(","))
    except ValidationError:
        return False


def _version_from_header(value):
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip().strip('"')
    if not text.isdigit():
        raise ValidationError({"If-Match": [_("Send the version you read, e.g. If-Match: \"4\".")]})
    return int(text)


@extend_schema_view(
    list=extend_schema(
        summary="List products", description=WRITE_GUIDE, tags=["products"],
        parameters=[OpenApiParameter(
            "limit", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
            description="Page size, default 100, at most 1000.",
        )],
        responses={
            200: OpenApiResponse(ProductSerializer(many=True), examples=[
                response_example("Page", PRODUCT_READ_EXAMPLE, 200, "One product per item of results"),
            ]),
            **AUTH_ERRORS, **INVALID,
        },
    ),
    retrieve=extend_schema(
        summary="Read a product", tags=["products"], parameters=[SKU, IF_NONE_MATCH, ETAG],
        responses={
            200: OpenApiResponse(ProductSerializer, examples=[response_example("Product", PRODUCT_READ_EXAMPLE, 200)]),
            304: OpenApiResponse(description="Unchanged since the ETag sent."),
            **AUTH_ERRORS, **NOT_FOUND,
        },
    ),
    create=extend_schema(
        summary="Create a product", tags=["products"], request=ProductSerializer, parameters=[ETAG],
        examples=[request_example("New product", PRODUCT_EXAMPLE, "Texts in three languages, typed attributes")],
        responses={
            201: OpenApiResponse(ProductSerializer, examples=[
                response_example("Created", {**PRODUCT_READ_EXAMPLE, "version": 1}, 201),
            ]),
            **INVALID, **AUTH_ERRORS,
        },
    ),
    update=extend_schema(
        summary="Replace a product", tags=["products"], request=ProductReplaceSerializer,
        parameters=[SKU, IF_MATCH, ETAG],
        description="The body is the whole product: keys left out are cleared (use PATCH to change only some).",
        examples=[request_example("Whole product", PRODUCT_EXAMPLE)],
        responses={
            200: OpenApiResponse(ProductSerializer, examples=[response_example("Saved", PRODUCT_READ_EXAMPLE, 200)]),
            **INVALID, **AUTH_ERRORS, **NOT_FOUND, **LOCKING_ERRORS,
        },
    ),
    partial_update=extend_schema(
        summary="Change some values of a product", tags=["products"], parameters=[SKU, IF_MATCH, ETAG],
        description="Only the keys sent change; in `translations` only the languages sent, in `attributes` "
                    "only the (code, locale) pairs sent.",
        examples=[request_example("Russian name and power", PATCH_EXAMPLE)],
        responses={
            200: OpenApiResponse(ProductSerializer, examples=[response_example("Saved", PRODUCT_READ_EXAMPLE, 200)]),
            **INVALID, **AUTH_ERRORS, **NOT_FOUND, **LOCKING_ERRORS,
        },
    ),
    destroy=extend_schema(
        summary="Delete a product", tags=["products"], parameters=[SKU, IF_MATCH_OPTIONAL],
        description="Channels that published it get a tombstone in their feed.",
        responses={
            204: OpenApiResponse(description="Deleted."),
            **INVALID, **AUTH_ERRORS, **NOT_FOUND,
            412: LOCKING_ERRORS[412],
        },
    ),
)
class ProductViewSet(viewsets.GenericViewSet):
    serializer_class = ProductSerializer
    permission_classes = [ProductPermissions]
    # Basic first: an anonymous client gets 401 with a WWW-Authenticate challenge.
    authentication_classes = [BasicAuthentication, SessionAuthentication]
    parser_classes = [TextJSONParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter
    pagination_class = ProductPagination
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return api_queryset()

    def get_object(self):
        # DRF turns Django's Http404 into a 404 whose code the error handler
        # cannot see; raise its own NotFound with a clear message instead.
        sku = self.kwargs[self.lookup_field]
        product = self.get_queryset().filter(sku=sku).first()
        if product is None:
            raise NotFound(_("No product with SKU '%(sku)s'.") % {"sku": sku})
        self.check_object_permissions(self.request, product)
        return product

    def _respond(self, product, status_code=status.HTTP_200_OK, headers=None):
        product = self.get_queryset().get(pk=product.pk)
        response = Response(product_representation(product), status=status_code, headers=headers)
        response["ETag"] = _etag(product)
        return response

    def _expected_version(self, request):
        header = request.headers.get("If-Match")
        if header:
            return _version_from_header(header)
        if isinstance(request.data, dict) and request.data.get("version") not in (None, ""):
            try:
                return services.parse_version(request.data["version"])
            except services.ProductValidationError as exc:
                raise ValidationError(exc.errors) from None
        raise VersionRequired()

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([product_representation(product) for product in page])

    def retrieve(self, request, sku=None):
        product = self.get_object()
        if _matches(request.headers.get("If-None-Match"), product):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(product_representation(product))
        response["ETag"] = _etag(product)
        return response

    def create(self, request):
        # A language-limited user may not set language-neutral fields, and a
        # new product is made of them (its SKU at least).
        errors = api_errors(request.user, request.data)
        if errors:
            raise refusal(errors)
        try:
            product = services.create_product(request.data, user=request.user)
        except services.ProductValidationError as exc:
            raise ValidationError(exc.errors) from None
        after_edit(product, request.user)
        location = reverse("api-product-detail", kwargs={"sku": product.sku})
        return self._respond(product, status.HTTP_201_CREATED, headers={"Location": location})

    def _update(self, request, partial):
        product = self.get_object()
        expected = self._expected_version(request)
        limited = is_language_limited(request.user)
        try:
            # One transaction with the bookkeeping: publishing refreshes on
            # commit and must see the review state the edit leaves behind.
            with transaction.atomic():
                before = _locked_representation(product.pk) if limited else None
                texts = before["translations"] if limited else _stored_texts(product.pk, lock=True)
                product = services.update_product(
                    product, request.data, expected_version=expected, partial=partial, user=request.user,
                )
                if limited:
                    _refuse_outside_languages(request.user, before, product)
                after_edit(product, request.user, languages=_edited_languages(texts, _stored_texts(product.pk)))
        except services.VersionConflict as exc:
            raise VersionConflictError(exc.current_version) from None
        except services.ProductValidationError as exc:
            raise ValidationError(exc.errors) from None
        return self._respond(product)

    def update(self, request, sku=None):
        return self._update(request, partial=False)

    def partial_update(self, request, sku=None):
        return self._update(request, partial=True)

    def destroy(self, request, sku=None):
        product = self.get_object()
        if is_language_limited(request.user):
            raise FieldNotAllowed(errors={"sku": [neutral_refused_message()]})
        header = request.headers.get("If-Match")
        try:
            services.delete_product(
                product, expected_version=_version_from_header(header) if header else None, user=request.user,
            )
        except services.VersionConflict as exc:
            raise VersionConflictError(exc.current_version) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Create or update many products", tags=["products"],
        description=(
            "A JSON list of products, or NDJSON (`Content-Type: application/x-ndjson`, one product per line), "
            f"at most {BULK_MAX_ITEMS} items. Each item is matched by `sku`: a new SKU is created (201), an "
            "existing one is changed like a PATCH (204) and must carry the `version` you read (428 without "
            "it, 412 when stale). Every item runs on its own: an invalid or stale one (400, 412) leaves the "
            "others saved. The answer lists one status per item, in order (`line` counts items from 1; "
            "in NDJSON, blank lines are skipped)."
        ),
        # Raw array schemas: with a many=True serializer the schema generator
        # would wrap each (already listed) example in one more list.
        request={
            "application/json": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}},
            "application/x-ndjson": {"type": "string", "description": "One product object per line."},
        },
        examples=[request_example("Mixed lines", BULK_REQUEST_EXAMPLE)],
        responses={
            200: OpenApiResponse(BULK_RESULTS_SCHEMA, description="One status per item.", examples=[
                response_example("Statuses", BULK_RESPONSE_EXAMPLE, 200),
            ]),
            400: OpenApiResponse(ApiErrorSerializer, description="The body is not a list, or too long.", examples=[
                error_example("Too many", 400, f"Send at most {BULK_MAX_ITEMS} items per request.",
                              "too_many_items"),
            ]),
            **AUTH_ERRORS,
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk", parser_classes=[TextJSONParser, NDJSONParser],
            pagination_class=None, filter_backends=[])
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": [
                _("Send a JSON list of products, or NDJSON with one product per line."),
            ]})
        if len(items) > BULK_MAX_ITEMS:
            raise TooManyItems(_("Send at most %(count)d items per request.") % {"count": BULK_MAX_ITEMS})
        with transaction.atomic():
            if is_language_limited(request.user):
                results = [_limited_upsert(request.user, line, item) for line, item in enumerate(items, start=1)]
            else:
                results = services.upsert_products(items, user=request.user)
            after_edit([r.product for r in results if r.product is not None and r.status_code in (201, 204)],
                       request.user)
        return Response([result.as_dict() for result in results])


def _stored_texts(pk, lock=False):
    """{language: {field: text}} of the product as stored; with ``lock``,
    read under the row lock the update takes next."""
    if lock:
        list(Product.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    rows = (Product._parler_meta.root_model.objects.filter(master_id=pk)
            .values("language_code", *TRANSLATED_PRODUCT_FIELDS))
    return {row.pop("language_code"): row for row in rows}


def _edited_languages(before, after):
    """Languages whose texts a save changed. A PUT (or a PATCH) resends
    texts it did not change; only the changed ones count as updated by
    their translator, so a changed source text still outdates the rest."""
    return sorted(language for language, texts in after.items() if before.get(language) != texts)


# --- language-limited users ---------------------------------------------------

def _locked_representation(pk):
    """The product as the write API shows it, read under the row lock the
    update takes next, so the comparison sees no one else's change."""
    list(Product.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    return product_representation(api_queryset().get(pk=pk))


def _refuse_outside_languages(user, before, product):
    """Raise the 403 (inside the save's transaction, so it rolls back) when
    the save changed a language-neutral value or a text of another language."""
    errors = refused_changes(user, before, product_representation(api_queryset().get(pk=product.pk)))
    if errors:
        # parler may have cached the texts of the rolled-back save.
        _delete_cached_translations(product)
        raise refusal(errors)


class _RefusedLine:
    """A bulk line a language-limited user may not save (403, nothing saved)."""

    status_code = 403
    product = None

    def __init__(self, line, sku, exc):
        self.line, self.sku, self.exc = line, sku, exc

    def as_dict(self):
        return {"line": self.line, "sku": self.sku, "status_code": self.status_code,
                "code": self.exc.default_code,
                "errors": self.exc.extra["errors"]}


def _limited_upsert(user, line, item):
    """One bulk line of a language-limited user: saved like any line, then
    undone with a 403 line if it changed what the user may not change."""
    sku = item.get("sku") if isinstance(item, dict) else None
    existing = Product.objects.filter(sku=sku).first() if isinstance(sku, str) else None
    if existing is None:
        errors = api_errors(user, item)
        if errors:
            return _RefusedLine(line, sku, refusal(errors))
    before = _locked_representation(existing.pk) if existing is not None else None
    try:
        with transaction.atomic():
            [result] = services.upsert_products([item], user=user)
            result.line = line
            if existing is not None and result.status_code == 204:
                _refuse_outside_languages(user, before, result.product)
    except (LanguageNotAllowed, FieldNotAllowed) as exc:
        return _RefusedLine(line, sku, exc)
    return result

"""Write API endpoints: products by SKU (list, read, create, replace, patch,
delete) and the bulk upsert. Thin: catalog.services does the work."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .. import services
from ..permissions import changed_foreign_texts
from ..workflow import after_edit
from .errors import LanguageNotAllowed, TooManyItems, VersionConflictError, VersionRequired
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
    403: OpenApiResponse(ApiErrorSerializer, description="Missing model permission.", examples=[
        error_example("No permission", 403, "You do not have permission to perform this action.",
                      "permission_denied"),
    ]),
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

    def _check_languages(self, request, product=None):
        self._check_languages_of(request.user, request.data, product)

    @staticmethod
    def _check_languages_of(user, data, product=None):
        errors = changed_foreign_texts(user, product, data)
        if errors:
            raise LanguageNotAllowed(errors=errors)

    def create(self, request):
        self._check_languages(request)
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
        self._check_languages(request, product)
        try:
            # One transaction with the bookkeeping: publishing refreshes on
            # commit and must see the review state the edit leaves behind.
            with transaction.atomic():
                product = services.update_product(
                    product, request.data, expected_version=expected, partial=partial, user=request.user,
                )
                texts = request.data.get("translations") if isinstance(request.data, dict) else None
                after_edit(product, request.user, languages=list(texts or {}) if isinstance(texts, dict) else [])
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
        for item in items:
            self._check_languages_of(request.user, item)
        with transaction.atomic():
            results = services.upsert_products(items, user=request.user)
            after_edit([r.product for r in results if r.product is not None and r.status_code in (201, 204)],
                       request.user)
        return Response([result.as_dict() for result in results])

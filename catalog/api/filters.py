"""Filters of the product list: SKU, status, family, brand, changed since."""

import django_filters

from ..models import Product


class CodeInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


class ProductFilter(django_filters.FilterSet):
    sku = CodeInFilter(field_name="sku", lookup_expr="in", help_text="One SKU or several, comma-separated.")
    status = django_filters.ChoiceFilter(choices=[(value, value) for value in Product.Status.values])
    family = django_filters.CharFilter(field_name="family__code", help_text="Family code.")
    brand = django_filters.CharFilter(field_name="brand__code", help_text="Brand code.")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte",
        help_text="ISO 8601 date and time; products changed at or after it.",
    )

    class Meta:
        model = Product
        fields = ["sku", "status", "family", "brand", "updated_since"]

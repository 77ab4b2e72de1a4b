"""Select choices and list filters that load their labels in one query.

A ModelChoiceField in each row of an inline runs its query (and a
translation query per label) once per row; the admin builds each choice
list once per request here and every row reuses it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

BLANK = ("", "---------")


def request_cache(request, key, build):
    """``build()`` once per request (shared by every inline of the page)."""
    cache = request.__dict__.setdefault("_catalog_admin_choices", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def freeze_choices(field, choices, blank=True):
    """Give a model choice field a fixed list; copies made per form keep it."""
    if field is None:
        return field
    field.choices = ([BLANK] if blank else []) + list(choices)
    return field


class TranslatedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose labels come from prefetched translations."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        queryset = model._default_manager.all()
        if hasattr(model, "_parler_meta"):
            queryset = queryset.prefetch_related("translations")
        return [(obj.pk, self.label_for(obj)) for obj in queryset]

    def label_for(self, obj):
        return str(obj)


class CategorySubtreeFilter(admin.SimpleListFilter):
    """A category and everything below it, labels indented by depth."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        from ..models import Category

        categories = Category.objects.order_by("tree_path").prefetch_related("translations")
        return [(str(c.pk), "\u2003" * c.depth + str(c)) for c in categories]

    def queryset(self, request, queryset):
        from ..models import Category, Product

        value = self.value()
        if not value or not value.isdigit():
            return queryset
        path = Category.objects.filter(pk=value).values_list("tree_path", flat=True).first()
        if path is None:
            return queryset.none()
        links = Product.categories.through.objects.filter(category__tree_path__startswith=path)
        return queryset.filter(pk__in=links.values("product_id"))

"""Admin of categories (a tree) and brands."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Brand, Category
from .reference_history import ReferenceAdmin


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ("tree_name", "code", "position", "google_product_category")
    search_fields = ("code", "translations__name")
    fields = ("code", "parent", "position", "google_product_category", "name", "slug", "description")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.order_by("tree_path").prefetch_related("translations")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("category"), ordering="tree_path")
    def tree_name(self, obj):
        return "\u2003" * obj.depth + str(obj)


@admin.register(Brand)
class BrandAdmin(ReferenceAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    fields = ("code", "name", "description")

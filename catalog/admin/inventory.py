"""Admin of stores and warehouses (stock is edited on the product)."""

from django.contrib import admin

from ..models import Store
from .reference_history import ReferenceAdmin


@admin.register(Store)
class StoreAdmin(ReferenceAdmin):
    list_display = ("code", "__str__", "kind", "city", "country", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("code", "city")
    fields = ("code", "name", "kind", "city", "address", "country", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

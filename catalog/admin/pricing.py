"""Admin of price lists (prices themselves are edited on the product)."""

from django.contrib import admin

from ..models import PriceList
from .reference_history import ReferenceAdmin


@admin.register(PriceList)
class PriceListAdmin(ReferenceAdmin):
    list_display = ("code", "__str__", "kind", "currency", "includes_vat", "valid_from", "valid_until")
    list_filter = ("kind", "currency")
    search_fields = ("code",)
    fields = ("code", "name", "kind", "currency", "includes_vat", "valid_from", "valid_until")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

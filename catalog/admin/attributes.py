"""Admin of typed attributes with their options, and of families (which
attributes a kind of product has and which are required)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableTabularInline

from ..models import Attribute, AttributeOption, Family, FamilyAttribute
from .choices import freeze_choices, request_cache
from .reference_history import ReferenceAdmin


class AttributeOptionInline(TranslatableTabularInline):
    model = AttributeOption
    extra = 0
    fields = ("code", "label", "position")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")


@admin.register(Attribute)
class AttributeAdmin(ReferenceAdmin):
    list_display = ("code", "label_column", "type", "unit", "localizable", "is_variant_axis", "position")
    list_filter = ("type", "localizable", "is_variant_axis")
    search_fields = ("code", "translations__label")
    fields = ("code", "label", "type", "unit", "decimal_places", "localizable", "is_variant_axis", "position")
    inlines = [AttributeOptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("label"))
    def label_column(self, obj):
        return obj.safe_translation_getter("label", any_language=True)


class FamilyAttributeInline(admin.TabularInline):
    model = FamilyAttribute
    extra = 0
    fields = ("attribute", "required", "position")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "attribute":
            freeze_choices(field, request_cache(request, "all_attributes", lambda: [
                (a.pk, f"{a} ({a.code})") for a in Attribute.objects.prefetch_related("translations")
            ]))
        return field


@admin.register(Family)
class FamilyAdmin(ReferenceAdmin):
    list_display = ("code", "name_column")
    search_fields = ("code", "translations__name")
    fields = ("code", "name")
    inlines = [FamilyAttributeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("name"))
    def name_column(self, obj):
        return obj.safe_translation_getter("name", any_language=True)

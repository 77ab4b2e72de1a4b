"""Inlines of the product form: variants, images, prices, stock, attribute
values (those of the product's family), documents and relations.

Every select in an inline row gets its choices from ``choices.request_cache``
so the form costs the same number of queries with 2 rows or 50.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableTabularInline

from ..images import smallest_rendition
from ..models import (
    Attribute, AttributeOption, AttributeValue, Price, PriceList, Product, ProductDocument, ProductImage,
    ProductRelation, Stock, Store, Variant,
)
from .choices import freeze_choices, request_cache
from .forms import VALUE_FIELD, AttributeValueForm, AttributeValueFormSet, ProductDocumentForm, ProductImageForm


def _product(request):
    return getattr(request, "_catalog_product", None)


def variant_choices(request):
    product = _product(request)
    if product is None or not product.pk:
        return []
    return request_cache(
        request, ("variants", product.pk),
        lambda: list(Variant.objects.filter(product=product).values_list("pk", "sku")),
    )


def option_label(option):
    return f"{option.attribute}: {option}"


class ProductInlineMixin:
    """Remembers the product being edited on the request, so field choices
    can follow it (its variants, its family's attributes)."""

    def get_formset(self, request, obj=None, **kwargs):
        request._catalog_product = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "variant" and field is not None:
            # Only this product's variants: offered and accepted.
            product = _product(request)
            field.queryset = Variant.objects.filter(product=product) if product is not None and product.pk \
                else Variant.objects.none()
            freeze_choices(field, variant_choices(request))
        return field


class VariantInline(ProductInlineMixin, admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("sku", "gtin", "axis_values", "position", "is_active", "weight_grams")
    verbose_name_plural = _("variants (axis values tell them apart)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("axis_values")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "axis_values":
            def build():
                options = (
                    AttributeOption.objects.filter(attribute__is_variant_axis=True)
                    .select_related("attribute").prefetch_related("translations", "attribute__translations")
                    .order_by("attribute__position", "attribute__code", "position", "code")
                )
                return [(o.pk, option_label(o)) for o in options]
            freeze_choices(field, request_cache(request, "axis_options", build), blank=False)
        return field


class ProductImageInline(ProductInlineMixin, TranslatableTabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ("preview", "upload", "variant", "role", "position", "alt")
    readonly_fields = ("preview",)
    verbose_name_plural = _("images (alt text per language tab)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("image_file").prefetch_related(
            "translations", "image_file__renditions",
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj or not obj.image_file_id:
            return "—"
        image_file = obj.image_file
        rendition = smallest_rendition(image_file)
        url = rendition.file.url if rendition else image_file.file.url
        return format_html(
            '<img src="{}" alt="" style="max-width:96px;max-height:96px" loading="lazy"><br>'
            '<small>{}×{} {}</small>', url, image_file.width, image_file.height, image_file.format,
        )


class PriceInline(ProductInlineMixin, admin.TabularInline):
    model = Price
    extra = 0
    fields = ("price_list", "variant", "amount", "valid_from", "valid_until")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("price_list")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "price_list":
            freeze_choices(field, request_cache(request, "price_lists", lambda: [
                (pl.pk, f"{pl} ({pl.currency})") for pl in PriceList.objects.prefetch_related("translations")
            ]))
        return field


class StockInline(ProductInlineMixin, admin.TabularInline):
    model = Stock
    extra = 0
    fields = ("store", "variant", "quantity")
    verbose_name_plural = _("stock per store and warehouse")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "store":
            freeze_choices(field, request_cache(request, "stores", lambda: [
                (s.pk, f"{s} ({s.code})") for s in Store.objects.prefetch_related("translations")
            ]))
        return field


def family_links(product):
    """FamilyAttribute rows of the product's family, attributes loaded."""
    if product is None or not product.family_id:
        return []
    return list(product.family.family_attributes.all())


def missing_rows(product, language):
    """Initial rows for family attributes that have no value yet: the
    language-neutral value, or the value in the current language tab."""
    present = {(v.attribute_id, v.language_code) for v in product.attribute_values.all()}
    rows = []
    for link in family_links(product):
        lang = language if link.attribute.localizable else ""
        if (link.attribute_id, lang) not in present:
            rows.append({"attribute": link.attribute_id, "language_code": lang})
    return rows


class AttributeSelect(forms.Select):
    """The attribute choice of a value row; each option tells the page which
    value column its type uses (attribute_values.js shows only that one)."""

    meta = {}

    def __init__(self, attrs=None, choices=()):
        super().__init__({**(attrs or {}), "data-attribute-select": "1"}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        if key in self.meta:
            field, localizable = self.meta[key]
            option["attrs"]["data-value-field"] = field
            option["attrs"]["data-localizable"] = "1" if localizable else "0"
        return option


class AttributeValueInline(ProductInlineMixin, admin.TabularInline):
    """Values of the family's attributes (required ones marked with *);
    empty rows are offered for the ones still missing."""

    model = AttributeValue
    form = AttributeValueForm
    formset = AttributeValueFormSet
    extra = 0
    fields = ("attribute", "language_code", "value_text", "value_number", "value_bool", "value_date",
              "option", "options")
    verbose_name_plural = _("attribute values (of the product's family; * = required)")

    class Media:
        js = ["catalog/admin/attribute_values.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute", "option").prefetch_related("options")

    def get_formset(self, request, obj=None, **kwargs):
        prefill = []
        if obj is not None and obj.pk:
            # The admin set the product to the language of the open tab.
            language = obj.get_current_language() or settings.LANGUAGE_CODE
            prefill = missing_rows(obj, language)
        kwargs["extra"] = len(prefill)
        FormSet = super().get_formset(request, obj, **kwargs)
        links = family_links(obj)
        FormSet.allowed_attribute_ids = {link.attribute_id for link in links} if links else None
        FormSet.required_links = [link for link in links if link.required]
        FormSet.prefill = prefill
        return FormSet

    def _attributes(self, request):
        product = _product(request)

        def build():
            links = family_links(product)
            if links:
                return [(link.attribute, link.required) for link in links]
            return [(a, False) for a in Attribute.objects.prefetch_related("translations")]
        return request_cache(request, ("attributes", getattr(product, "pk", None)), build)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "attribute":
            widget = kwargs["widget"] = AttributeSelect()
            widget.meta = {
                a.pk: (VALUE_FIELD[a.type], a.localizable) for a, _req in self._attributes(request)
            }
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "attribute":
            freeze_choices(field, [
                (a.pk, f"{a}{' (' + a.unit + ')' if a.unit else ''} · {a.get_type_display()}{' *' if req else ''}")
                for a, req in self._attributes(request)
            ])
        elif db_field.name == "option":
            freeze_choices(field, self._option_choices(request))
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "options":
            freeze_choices(field, self._option_choices(request), blank=False)
        return field

    def _option_choices(self, request):
        product = _product(request)
        ids = [a.pk for a, _req in self._attributes(request) if a.has_options]

        def build():
            options = (
                AttributeOption.objects.filter(attribute_id__in=ids).select_related("attribute")
                .prefetch_related("translations", "attribute__translations")
                .order_by("attribute__position", "attribute__code", "position", "code")
            )
            return [(o.pk, option_label(o)) for o in options]
        return request_cache(request, ("options", getattr(product, "pk", None)), build)


class ProductDocumentInline(admin.TabularInline):
    model = ProductDocument
    form = ProductDocumentForm
    extra = 0
    fields = ("language_code", "kind", "title", "file", "position")
    verbose_name_plural = _("documents (manuals, safety sheets) per language")


class LabelledRawIdWidget(ForeignKeyRawIdWidget):
    """A raw id widget that shows labels loaded beforehand for all rows,
    instead of one query per row."""

    labels = {}

    def label_and_url_for_value(self, value):
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return "", ""
        if pk not in self.labels:
            return super().label_and_url_for_value(value)
        meta = self.rel.model._meta
        try:
            url = reverse(f"{self.admin_site.name}:{meta.app_label}_{meta.model_name}_change", args=(pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(self.labels[pk]).words(14), url


class ProductRelationInline(admin.TabularInline):
    model = ProductRelation
    fk_name = "product"
    extra = 0
    fields = ("kind", "related", "position")
    raw_id_fields = ("related",)
    verbose_name_plural = _("related products (accessories, spare parts …)")

    def get_formset(self, request, obj=None, **kwargs):
        request._catalog_product = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        product = _product(request)
        if db_field.name == "related" and product is not None and product.pk:
            related = Product.objects.filter(related_from__product=product).prefetch_related("translations")
            widget = LabelledRawIdWidget(db_field.remote_field, self.admin_site, using=kwargs.get("using"))
            widget.labels = {p.pk: str(p) for p in related}
            field.widget = widget
        return field


CATALOG_PRODUCT_INLINES = [
    VariantInline, ProductImageInline, PriceInline, StockInline, AttributeValueInline,
    ProductDocumentInline, ProductRelationInline,
]

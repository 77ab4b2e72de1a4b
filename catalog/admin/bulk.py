"""Bulk editing on the product change list: set a category, an attribute
value, the status or a price list entry for a selection, after a confirmation page.

Every change goes through catalog.services (the one write path), so it is
validated like a single edit and records one history version per product
that actually changed.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..api.serializers import api_queryset, product_representation
from ..models import Attribute, Category, PriceList, Product
from ..workflow import after_edit


class BulkEditForm(forms.Form):
    OPERATIONS = [
        ("category", gettext_lazy("Add a category")),
        ("category_replace", gettext_lazy("Replace the categories with one")),
        ("status", gettext_lazy("Set the status")),
        ("attribute", gettext_lazy("Set an attribute value")),
        ("price", gettext_lazy("Set a price list entry")),
    ]
    operation = forms.ChoiceField(label=gettext_lazy("Change"), choices=OPERATIONS)
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), required=False,
                                      queryset=Category.objects.order_by("tree_path"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", "—"), *Product.Status.choices])
    attribute = forms.ModelChoiceField(label=gettext_lazy("Attribute"), required=False,
                                       queryset=Attribute.objects.order_by("code"), to_field_name="code")
    locale = forms.CharField(label=gettext_lazy("Language (for attributes that differ per language)"),
                             required=False, max_length=15)
    value = forms.CharField(label=gettext_lazy("Value (option codes separated by |)"), required=False)
    price_list = forms.ModelChoiceField(label=gettext_lazy("Price list"), required=False,
                                        queryset=PriceList.objects.order_by("code"))
    amount = forms.DecimalField(label=gettext_lazy("Amount"), required=False, max_digits=12, decimal_places=2)

    def clean(self):
        cleaned = super().clean()
        needs = {"category": ("category",), "category_replace": ("category",), "status": ("status",),
                 "attribute": ("attribute",), "price": ("price_list", "amount")}
        for name in needs.get(cleaned.get("operation"), ()):
            if cleaned.get(name) in (None, ""):
                self.add_error(name, _("Required for this change."))
        return cleaned


def change_for(product_dict, cleaned):
    """The partial write-API dict that applies the chosen change to one product."""
    operation = cleaned["operation"]
    if operation == "category":
        codes = product_dict["categories"]
        return {"categories": codes + [cleaned["category"].code] if cleaned["category"].code not in codes else codes}
    if operation == "category_replace":
        return {"categories": [cleaned["category"].code]}
    if operation == "status":
        return {"status": cleaned["status"]}
    if operation == "attribute":
        attribute = cleaned["attribute"]
        value = cleaned["value"]
        if attribute.type == Attribute.Type.MULTI_SELECT:
            value = [part.strip() for part in value.split("|") if part.strip()]
        return {"attributes": [{"code": attribute.code, "locale": cleaned["locale"] or None, "value": value or None}]}
    # A price list entry: the product-level price without a validity window.
    code = cleaned["price_list"].code
    prices = [row for row in product_dict["prices"]
              if not (row["price_list"] == code and row["variant"] is None and not row["valid_from"])]
    prices.append({"price_list": code, "variant": None, "amount": str(cleaned["amount"]),
                   "valid_from": None, "valid_until": None})
    return {"prices": prices}


def apply_bulk_edit(products, cleaned, *, user=None):
    """Apply one change to each product, all or nothing; returns (changed products, {sku: errors})."""
    errors, updated = {}, []
    with transaction.atomic():
        for product in products:
            data = change_for(product_representation(product), cleaned)
            try:
                updated.append(services.update_product(product, data, expected_version=None, partial=True, user=user))
            except services.ProductValidationError as exc:
                errors[product.sku] = exc.errors
        if errors:
            transaction.set_rollback(True)
            return [], errors
        changed = after_edit(updated, user, comment=_("Bulk edit"))
    return changed, {}


class BulkEditMixin:
    @admin.action(description=gettext_lazy("Bulk edit…"), permissions=["change"])
    def bulk_edit(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BulkEditForm(request.POST if "apply" in request.POST else None)
        products = list(api_queryset().filter(pk__in=queryset.values("pk")))
        if "apply" in request.POST and form.is_valid():
            changed, errors = apply_bulk_edit(products, form.cleaned_data, user=request.user)
            if errors:
                lines = [f"{sku}: {'; '.join(f'{k}: {v[0]}' for k, v in e.items())}" for sku, e in errors.items()]
                self.message_user(request, _("Nothing was changed: ") + " | ".join(lines[:20]), messages.ERROR)
            else:
                self.message_user(request, _("%(changed)d of %(total)d products changed.")
                                  % {"changed": len(changed), "total": len(products)}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bulk edit %(count)d products") % {"count": len(products)},
            "form": form, "products": products[:50], "pks": [p.pk for p in products], "count": len(products),
            "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"), "action": "bulk_edit",
        }
        return TemplateResponse(request, "admin/catalog/product/bulk_edit.html", context)

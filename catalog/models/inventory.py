"""Stores and warehouses, and stock per product or variant and location."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from ..validators import validate_code


class Store(TranslatableModel):
    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        WAREHOUSE = "warehouse", _("Warehouse")

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STORE)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FI")
    is_active = models.BooleanField(_("active"), default=True)
    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=200),
    )

    class Meta:
        verbose_name = _("store or warehouse")
        verbose_name_plural = _("stores and warehouses")
        ordering = ["code"]

    def __str__(self):
        return self.safe_translation_getter("name", any_language=True) or self.code


class Stock(models.Model):
    store = models.ForeignKey(Store, related_name="stock", on_delete=models.CASCADE)
    product = models.ForeignKey("catalog.Product", related_name="stock", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, related_name="stock", on_delete=models.CASCADE,
    )
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "product"], condition=models.Q(variant__isnull=True),
                name="unique_product_stock",
            ),
            models.UniqueConstraint(
                fields=["store", "variant"], condition=models.Q(variant__isnull=False),
                name="unique_variant_stock",
            ),
        ]

    def __str__(self):
        return f"{self.store_id}: {self.quantity}"

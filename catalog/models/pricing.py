"""Price lists and prices (Decimal, per product or variant)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from ..validators import validate_code


class PriceList(TranslatableModel):
    class Kind(models.TextChoices):
        RETAIL = "retail", _("Retail")
        RESELLER = "reseller", _("Reseller")
        TECHNICIAN = "technician", _("Technician")

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RETAIL)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    includes_vat = models.BooleanField(_("prices include VAT"), default=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=200),
    )

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["code"]

    def __str__(self):
        return self.safe_translation_getter("name", any_language=True) or self.code

    def clean(self):
        if len(self.currency or "") != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValidationError({"currency": _("Use a three-letter ISO 4217 code such as EUR.")})


class Price(models.Model):
    """A price of a product (variant empty) or of one variant. A price with a
    validity window is a sale price while the window is open."""

    price_list = models.ForeignKey(PriceList, related_name="prices", on_delete=models.CASCADE)
    product = models.ForeignKey("catalog.Product", related_name="prices", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, related_name="prices", on_delete=models.CASCADE,
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["price_list_id", "variant_id", "valid_from"]
        indexes = [models.Index(fields=["product", "price_list"])]

    def __str__(self):
        return f"{self.amount} {self.price_list.currency}"

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("A price cannot be negative.")})
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("The end must come after the start.")})
        if self.variant_id and self.product_id and self.variant.product_id != self.product_id:
            raise ValidationError({"variant": _("This variant belongs to another product.")})

"""Products, variants, typed attribute values and product relations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from .. import search
from ..querysets import ProductManager
from ..richtext import sanitize_html
from ..validators import validate_code, validate_gtin
from .attributes import Attribute, AttributeOption, Family
from .languages import LanguageField
from .taxonomy import Brand, Category

TRANSLATED_PRODUCT_FIELDS = ("name", "slug", "short_description", "description", "marketing_claims")
RICH_TEXT_FIELDS = ("short_description", "description")


class Product(TranslatableModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISCONTINUED = "discontinued", _("Discontinued")

    class ReviewState(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")

    sku = models.CharField(_("SKU"), max_length=64, unique=True, validators=[validate_code])
    gtin = models.CharField(
        _("GTIN"), max_length=14, blank=True, db_index=True, validators=[validate_gtin],
    )
    mpn = models.CharField(_("MPN"), max_length=64, blank=True)
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), null=True, blank=True,
        related_name="products", on_delete=models.PROTECT,
    )
    family = models.ForeignKey(
        Family, verbose_name=_("family"), null=True, blank=True,
        related_name="products", on_delete=models.PROTECT,
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="products", blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True,
    )
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices,
        default=ReviewState.APPROVED, db_index=True,
    )
    replacement = models.ForeignKey(
        "self", verbose_name=_("replacement"), null=True, blank=True,
        related_name="replaces", on_delete=models.SET_NULL,
        help_text=_("Where the page of a discontinued product sends its visitors."),
    )
    available_from = models.DateField(
        _("available from"), null=True, blank=True,
        help_text=_("A future date makes the product a pre-order."),
    )
    backorder_allowed = models.BooleanField(_("backorder allowed"), default=False)
    weight_grams = models.PositiveIntegerField(_("shipping weight (g)"), null=True, blank=True)
    # Optimistic locking: every saved change increments it; writers send the
    # version they read and a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Case-folded SKU, GTIN and names in every language: SQLite folds ASCII
    # only, so non-ASCII search (Ő, Ж) runs against this column.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=255),
        slug=models.SlugField(_("slug"), max_length=255, allow_unicode=True),
        short_description=models.TextField(_("short description"), blank=True),
        description=models.TextField(_("description"), blank=True),
        marketing_claims=models.TextField(
            _("marketing claims"), blank=True, help_text=_("One claim per line."),
        ),
        meta={"unique_together": [("language_code", "slug")]},
    )

    objects = ProductManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        permissions = [
            ("submit_product", _("Can submit products for review")),
            ("review_product", _("Can review products")),
            ("approve_product", _("Can approve products")),
        ]

    def __str__(self):
        name = self.safe_translation_getter("name", any_language=True)
        return f"{self.sku} · {name}" if name else self.sku

    def clean(self):
        super().clean()
        if self.sku and Variant.objects.filter(sku=self.sku).exists():
            raise ValidationError({"sku": _("A variant already uses this SKU.")})

    def build_search_text(self):
        names = [t.name for t in self.translations.all()] if self.pk else []
        skus = [v.sku for v in self.variants.all()] if self.pk else []
        return search.compose(self.sku, self.gtin, self.mpn, names, skus)

    def save_translations(self, *args, **kwargs):
        # Runs after every save of the product row: one search text refresh
        # for the product and all its translations together (skipped when
        # only other fields were saved).
        update_fields = kwargs.get("update_fields")
        needed = (
            update_fields is None
            or bool(set(update_fields) & {"sku", "gtin", "mpn"})
            or any(
                getattr(translation, "is_modified", False)
                for cache in self._translations_cache.values() for translation in cache.values()
            )
        )
        with search.deferred(self.pk):
            super().save_translations(*args, **kwargs)
        if needed:
            texts = search.refresh_search_text([self.pk])
            self.search_text = texts.get(self.pk, self.search_text)

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.get("update_fields"):
            self.version += 1
        super().save(*args, **kwargs)

    def save_translation(self, translation, *args, **kwargs):
        # Rich text is sanitised on every save path (admin, API, import).
        for field in RICH_TEXT_FIELDS:
            setattr(translation, field, sanitize_html(getattr(translation, field, "")))
        super().save_translation(translation, *args, **kwargs)


class Variant(models.Model):
    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    sku = models.CharField(_("SKU"), max_length=64, unique=True, validators=[validate_code])
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, validators=[validate_gtin])
    axis_values = models.ManyToManyField(
        AttributeOption, verbose_name=_("axis values"), related_name="variants", blank=True,
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    weight_grams = models.PositiveIntegerField(_("shipping weight (g)"), null=True, blank=True)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product_id", "position", "sku"]

    def __str__(self):
        return self.sku

    def clean(self):
        if self.sku and Product.objects.filter(sku=self.sku).exists():
            raise ValidationError({"sku": _("A product already uses this SKU.")})


class AttributeValue(models.Model):
    """One typed value of an attribute for a product (per language when the
    attribute is localizable; language "" otherwise)."""

    product = models.ForeignKey(Product, related_name="attribute_values", on_delete=models.CASCADE)
    attribute = models.ForeignKey(Attribute, related_name="values", on_delete=models.CASCADE)
    language_code = LanguageField(_("language"), blank=True, default="")
    value_text = models.TextField(_("text"), blank=True, default="")
    value_number = models.DecimalField(_("number"), max_digits=20, decimal_places=6, null=True, blank=True)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    value_date = models.DateField(_("date"), null=True, blank=True)
    option = models.ForeignKey(
        AttributeOption, verbose_name=_("option"), null=True, blank=True,
        related_name="+", on_delete=models.PROTECT,
    )
    options = models.ManyToManyField(
        AttributeOption, verbose_name=_("options"), related_name="+", blank=True,
    )

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "attribute", "language_code"], name="unique_attribute_value",
            ),
        ]

    def __str__(self):
        value = self.raw_value()
        if isinstance(value, list):
            value = ", ".join(str(option) for option in value)
        suffix = f" [{self.language_code}]" if self.language_code else ""
        return f"{self.attribute.code}{suffix}: {value}"

    def raw_value(self):
        """The stored value as a Python object of the attribute's type."""
        kind = self.attribute.type
        T = Attribute.Type
        if kind in (T.NUMBER, T.MEASUREMENT):
            return self.value_number
        if kind == T.BOOLEAN:
            return self.value_bool
        if kind == T.DATE:
            return self.value_date
        if kind == T.SELECT:
            return self.option
        if kind == T.MULTI_SELECT:
            return list(self.options.all())
        return self.value_text

    def is_empty(self):
        value = self.raw_value()
        return value is None or value == "" or value == []

    def clean(self):
        if not self.attribute_id:
            return  # the form reports the missing attribute
        attribute = self.attribute
        if attribute.localizable and not self.language_code:
            raise ValidationError({"language_code": _("This attribute differs per language: choose one.")})
        if not attribute.localizable and self.language_code:
            raise ValidationError({"language_code": _("This attribute is the same in every language.")})
        if self.option_id and self.option.attribute_id != attribute.pk:
            raise ValidationError({"option": _("This option belongs to another attribute.")})
        if attribute.type == Attribute.Type.RICH_TEXT:
            self.value_text = sanitize_html(self.value_text)

    def save(self, *args, **kwargs):
        if self.attribute.type == Attribute.Type.RICH_TEXT:
            self.value_text = sanitize_html(self.value_text)
        super().save(*args, **kwargs)


class ProductRelation(models.Model):
    class Kind(models.TextChoices):
        ACCESSORY = "accessory", _("Accessory")
        SPARE_PART = "spare_part", _("Spare part")
        REPLACEMENT = "replacement", _("Replacement")
        SIMILAR = "similar", _("Similar")

    product = models.ForeignKey(Product, related_name="relations", on_delete=models.CASCADE)
    related = models.ForeignKey(
        Product, verbose_name=_("related product"), related_name="related_from",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("product relation")
        verbose_name_plural = _("product relations")
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "related", "kind"], name="unique_relation"),
            models.CheckConstraint(condition=~models.Q(product=models.F("related")), name="relation_not_self"),
        ]

    def __str__(self):
        return f"{self.product_id} → {self.related_id} ({self.kind})"


# Search text follows translations and variant SKUs however they are saved.
for _signal in (post_save, post_delete):
    _signal.connect(
        search.translation_changed, sender=Product._parler_meta.root_model,
        dispatch_uid=f"catalog-search-translation-{_signal}",
    )
    _signal.connect(search.variant_changed, sender=Variant, dispatch_uid=f"catalog-search-variant-{_signal}")

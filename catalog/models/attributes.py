"""Typed attribute definitions, their option lists, and families."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from ..validators import validate_code


class Attribute(TranslatableModel):
    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        RICH_TEXT = "rich_text", _("Rich text")
        NUMBER = "number", _("Number")
        MEASUREMENT = "measurement", _("Measurement with unit")
        BOOLEAN = "boolean", _("Yes / no")
        SELECT = "select", _("Single select")
        MULTI_SELECT = "multi_select", _("Multi select")
        DATE = "date", _("Date")

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.TEXT)
    localizable = models.BooleanField(
        _("differs per language"), default=False,
        help_text=_("Text values are kept per language."),
    )
    unit = models.CharField(
        _("unit"), max_length=16, blank=True,
        help_text=_("Unit code for measurements, e.g. mm, kg, W, V, l."),
    )
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    is_variant_axis = models.BooleanField(
        _("variant axis"), default=False,
        help_text=_("Options of this attribute tell variants apart (colour, size)."),
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    translations = TranslatedFields(
        label=models.CharField(_("label"), max_length=200),
    )

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "code"]

    def __str__(self):
        return self.safe_translation_getter("label", any_language=True) or self.code

    @property
    def has_options(self):
        return self.type in (self.Type.SELECT, self.Type.MULTI_SELECT)


class AttributeOption(TranslatableModel):
    attribute = models.ForeignKey(Attribute, related_name="options", on_delete=models.CASCADE)
    code = models.CharField(_("code"), max_length=64, validators=[validate_code])
    position = models.PositiveIntegerField(_("order"), default=0)
    translations = TranslatedFields(
        label=models.CharField(_("label"), max_length=200),
    )

    class Meta:
        verbose_name = _("attribute option")
        verbose_name_plural = _("attribute options")
        ordering = ["attribute_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "code"], name="unique_option_code"),
        ]

    def __str__(self):
        return self.safe_translation_getter("label", any_language=True) or self.code


class Family(TranslatableModel):
    """An attribute set: which attributes a kind of product has, which are required."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    attributes = models.ManyToManyField(
        Attribute, through="FamilyAttribute", related_name="families", blank=True,
    )
    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=200),
    )

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["code"]

    def __str__(self):
        return self.safe_translation_getter("name", any_language=True) or self.code


class FamilyAttribute(models.Model):
    family = models.ForeignKey(Family, related_name="family_attributes", on_delete=models.CASCADE)
    attribute = models.ForeignKey(Attribute, related_name="family_links", on_delete=models.CASCADE)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("family attribute")
        verbose_name_plural = _("family attributes")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["family", "attribute"], name="unique_family_attribute"),
        ]

    def __str__(self):
        return f"{self.family} · {self.attribute}"

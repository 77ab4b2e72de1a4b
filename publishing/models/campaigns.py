"""Campaigns: brochures, their QR short links and the scans those links receive."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from catalog.models.languages import LanguageField
from catalog.validators import validate_code

validate_hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))
validate_cmyk = RegexValidator(
    r"^\s*\d{1,3}(\.\d+)?\s*,\s*\d{1,3}(\.\d+)?\s*,\s*\d{1,3}(\.\d+)?\s*,\s*\d{1,3}(\.\d+)?\s*$",
    _("Enter CMYK as four percentages, e.g. 0,100,80,0."),
)


class Brochure(TranslatableModel):
    """A printed campaign: chosen products, languages, format, colours, promo code."""

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    class Typeface(models.TextChoices):
        SANS = "sans", _("Sans-serif (Noto Sans)")
        SERIF = "serif", _("Serif (Noto Serif)")

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    channel = models.ForeignKey(
        "publishing.Channel", verbose_name=_("channel"), related_name="brochures", on_delete=models.PROTECT,
        help_text=_("Prices, texts and languages come from this channel's documents."),
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True,
        help_text=_("Language codes to print; empty means every language of the channel."),
    )
    products = models.ManyToManyField(
        "catalog.Product", through="BrochureItem", verbose_name=_("products"), related_name="brochures",
    )
    page_size = models.CharField(_("page size"), max_length=2, choices=PageSize.choices, default=PageSize.A4)
    promo_code = models.CharField(_("promo code"), max_length=40, blank=True)
    primary_color = models.CharField(_("primary colour (RGB)"), max_length=7, default="#0b5cad",
                                     validators=[validate_hex_color])
    primary_cmyk = models.CharField(_("primary colour (CMYK)"), max_length=40, blank=True, validators=[validate_cmyk],
                                    help_text=_("Ink percentages for print, e.g. 100,60,0,5; empty converts the RGB colour."))
    accent_color = models.CharField(_("accent colour (RGB)"), max_length=7, default="#f2a900",
                                    validators=[validate_hex_color])
    accent_cmyk = models.CharField(_("accent colour (CMYK)"), max_length=40, blank=True, validators=[validate_cmyk])
    typeface = models.CharField(_("typeface"), max_length=10, choices=Typeface.choices, default=Typeface.SANS)
    crop_marks = models.BooleanField(_("crop marks"), default=False,
                                     help_text=_("Many print shops want none; they are drawn inside the bleed."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=200),
        banner=models.CharField(_("banner text"), max_length=300, blank=True,
                                help_text=_("Shown on the brochure and on the page a QR scan lands on.")),
    )

    class Meta:
        verbose_name = _("brochure")
        verbose_name_plural = _("brochures")
        ordering = ["code"]

    def __str__(self):
        return self.safe_translation_getter("title", any_language=True) or self.code

    @property
    def language_codes(self):
        """The languages this brochure is printed in (its own list, else the channel's)."""
        return list(self.languages) or self.channel.language_codes


class BrochureItem(models.Model):
    brochure = models.ForeignKey(Brochure, related_name="items", on_delete=models.CASCADE)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), related_name="+",
                                on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("brochure product")
        verbose_name_plural = _("brochure products")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["brochure", "product"], name="unique_brochure_product")]


class ShortLink(models.Model):
    """One QR code per brochure × product × language. Codes are never reused:
    rows are retired, not deleted, so printed paper keeps working."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    brochure = models.ForeignKey(Brochure, verbose_name=_("brochure"), null=True, blank=True,
                                 related_name="short_links", on_delete=models.SET_NULL)
    # The SKU, not a key: the link outlives the product row.
    sku = models.CharField(_("SKU"), max_length=64)
    language_code = LanguageField(_("language"))
    campaign = models.CharField(_("campaign"), max_length=64, help_text=_("utm_campaign of the landing URL."))
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    scan_count = models.PositiveIntegerField(_("scans"), default=0)

    class Meta:
        verbose_name = _("QR short link")
        verbose_name_plural = _("QR short links")
        ordering = ["brochure", "sku", "language_code"]
        constraints = [
            models.UniqueConstraint(fields=["brochure", "sku", "language_code"], name="unique_short_link"),
        ]

    def __str__(self):
        return self.code


class QrScan(models.Model):
    """A scan of a short link: when, which brochure and language, what kind of device. No personal data."""

    class Device(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        TABLET = "tablet", _("Tablet")
        DESKTOP = "desktop", _("Desktop")
        BOT = "bot", _("Bot")
        OTHER = "other", _("Other")

    short_link = models.ForeignKey(ShortLink, related_name="scans", on_delete=models.CASCADE)
    brochure = models.ForeignKey(Brochure, null=True, blank=True, related_name="scans", on_delete=models.SET_NULL)
    language_code = models.CharField(_("language"), max_length=15)
    device_class = models.CharField(_("device"), max_length=10, choices=Device.choices, default=Device.OTHER)
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("QR scan")
        verbose_name_plural = _("QR scans")
        ordering = ["-scanned_at"]
        indexes = [models.Index(fields=["brochure", "language_code"], name="qrscan_brochure_language")]

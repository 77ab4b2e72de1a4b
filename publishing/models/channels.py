"""Channels: where documents go, in which languages, at which prices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.languages import LanguageField
from catalog.validators import validate_code


class Channel(models.Model):
    class Kind(models.TextChoices):
        WEB = "web", _("Web site")
        APP = "app", _("App")
        PRINT = "print", _("Print")
        MARKETPLACE = "marketplace", _("Marketplace")

    class Audience(models.TextChoices):
        CONSUMER = "consumer", _("Consumer")
        RESELLER = "reseller", _("Reseller")
        TECHNICIAN = "technician", _("Technician")

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEB)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.CONSUMER,
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    price_list = models.ForeignKey(
        "catalog.PriceList", verbose_name=_("price list"), null=True, blank=True,
        related_name="channels", on_delete=models.PROTECT,
    )
    # Assortment: the union of the chosen categories (with their subtrees) and
    # chosen products; both empty means the whole catalog.
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("assortment categories"), blank=True, related_name="+",
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("assortment products"), blank=True, related_name="+",
    )
    required_attributes = models.ManyToManyField(
        "catalog.Attribute", verbose_name=_("required attributes"), blank=True, related_name="+",
    )
    hidden_attributes = models.ManyToManyField(
        "catalog.Attribute", verbose_name=_("hidden attributes"), blank=True, related_name="+",
        help_text=_("Attributes this channel's audience does not see."),
    )
    requires_complete = models.BooleanField(
        _("requires completeness"), default=True,
        help_text=_("Incomplete products are refused."),
    )
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    feed_label = models.CharField(
        _("feed label"), max_length=20, blank=True,
        help_text=_("Marketplace feed label (country), e.g. FI."),
    )
    rate_limit = models.CharField(
        _("feed rate limit"), max_length=20, blank=True,
        help_text=_("e.g. 600/min; empty uses the site default."),
    )
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def language_codes(self):
        return [lang.language_code for lang in self.languages.all()]


class ChannelLanguage(models.Model):
    channel = models.ForeignKey(Channel, related_name="languages", on_delete=models.CASCADE)
    language_code = LanguageField(_("language"))
    fallback_allowed = models.BooleanField(
        _("fallback allowed"), default=True,
        help_text=_("Without fallback a product is withheld in this language until complete."),
    )
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("channel language")
        verbose_name_plural = _("channel languages")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "language_code"], name="unique_channel_language"),
        ]

    def __str__(self):
        return f"{self.channel_id}:{self.language_code}"


class ChannelSequence(models.Model):
    """The feed counter of a channel. Stamping locks this row, so sequence
    numbers become visible in the order they were handed out."""

    channel = models.OneToOneField(Channel, primary_key=True, related_name="sequence", on_delete=models.CASCADE)
    last_seq = models.BigIntegerField(default=0)
    # A cursor below this may have missed a pruned tombstone: the feed answers 410.
    horizon = models.BigIntegerField(default=0)


class TextOverride(models.Model):
    """A channel × language replacement for one text of a product."""

    class Field(models.TextChoices):
        NAME = "name", _("Name")
        SHORT_DESCRIPTION = "short_description", _("Short description")
        DESCRIPTION = "description", _("Description")
        NOTE = "note", _("Channel note")

    product = models.ForeignKey("catalog.Product", related_name="text_overrides", on_delete=models.CASCADE)
    channel = models.ForeignKey(Channel, related_name="text_overrides", on_delete=models.CASCADE)
    language_code = LanguageField(_("language"))
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    value = models.TextField(_("value"))

    class Meta:
        verbose_name = _("text override")
        verbose_name_plural = _("text overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "channel", "language_code", "field"], name="unique_text_override",
            ),
        ]

    def __str__(self):
        return f"{self.channel_id}/{self.language_code}/{self.field}"

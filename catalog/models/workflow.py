"""Editorial workflow records: review events, product and reference data
history versions, translator language limits and per-language translation status."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .languages import LanguageField


class ReviewEvent(models.Model):
    """One step of a product's review: submitted, approved or rejected (with a comment)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        COMMENTED = "commented", _("Commented")

    product = models.ForeignKey("catalog.Product", related_name="review_events", on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    version = models.PositiveIntegerField(_("product version"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.product_id} {self.action}"


class HistoryVersion(models.Model):
    """What every history version holds: the recorded state, its content
    digest (equal digests: nothing changed), who and when."""

    data = models.JSONField(_("data"))
    digest = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class ProductHistory(HistoryVersion):
    """A recorded state of the whole product (row, texts, attributes,
    variants, prices, stock, images) after one change."""

    product = models.ForeignKey("catalog.Product", related_name="history", on_delete=models.CASCADE)
    version = models.PositiveIntegerField(_("product version"), default=0)

    class Meta(HistoryVersion.Meta):
        verbose_name = _("history version")
        verbose_name_plural = _("history versions")
        indexes = [models.Index(fields=["product", "-created_at"], name="catalog_history_recent")]

    def __str__(self):
        return f"{self.product_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ReferenceHistory(HistoryVersion):
    """A recorded state of one reference record (category, brand, attribute
    with its options, family with its attributes, store, price list): its
    fields and texts in every language, after one change."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("record"), max_length=255, blank=True)

    class Meta(HistoryVersion.Meta):
        verbose_name = _("reference history version")
        verbose_name_plural = _("reference history versions")
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"],
                                name="catalog_refhistory_recent")]

    def __str__(self):
        return f"{self.content_type_id}/{self.object_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class TranslatorProfile(models.Model):
    """The languages a translator may edit; a user without a profile is not limited."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="translator_profile",
                                on_delete=models.CASCADE, verbose_name=_("user"))
    languages = models.JSONField(_("languages"), default=list, blank=True,
                                 help_text=_("Language codes this user may edit, e.g. [\"hu\"]."))

    class Meta:
        verbose_name = _("translator profile")
        verbose_name_plural = _("translator profiles")

    def __str__(self):
        return f"{self.user} ({', '.join(self.languages)})"


class TranslationStatus(models.Model):
    """Whether a product's texts in one language still match the source language."""

    product = models.ForeignKey("catalog.Product", related_name="translation_status", on_delete=models.CASCADE)
    language_code = LanguageField(_("language"))
    outdated = models.BooleanField(_("outdated"), default=False, db_index=True)
    # Digest of the source texts this translation was last brought up to date with.
    source_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation status")
        verbose_name_plural = _("translation status")
        constraints = [models.UniqueConstraint(fields=["product", "language_code"], name="unique_translation_status")]

    def __str__(self):
        return f"{self.product_id} [{self.language_code}] {'outdated' if self.outdated else 'current'}"

"""Publication (product × channel) and completeness (× language)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.languages import LanguageField


class Publication(models.Model):
    """The editor's intent to have a product on a channel, with a window."""

    product = models.ForeignKey("catalog.Product", related_name="publications", on_delete=models.CASCADE)
    channel = models.ForeignKey("publishing.Channel", related_name="publications", on_delete=models.CASCADE)
    is_published = models.BooleanField(_("published"), default=True)
    publish_from = models.DateTimeField(_("publish from"), null=True, blank=True)
    publish_until = models.DateTimeField(_("publish until"), null=True, blank=True)
    # Set when the channel's gate holds back a newer state (incomplete,
    # unapproved); the last snapshot keeps being served meanwhile.
    blocked_reason = models.TextField(_("held back because"), blank=True)
    last_published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    # When the periodic window duty last reconciled this publication: a window
    # that opened while the product was held, or a price that turned, is due
    # once, not again every minute until the product is published.
    window_checked_at = models.DateTimeField(_("windows checked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["product", "channel"], name="unique_publication"),
        ]
        indexes = [models.Index(fields=["channel", "is_published"])]
        permissions = [("publish_product", _("Can publish and unpublish products on channels"))]

    def __str__(self):
        return f"{self.product_id}@{self.channel_id}"

    def in_window(self, now):
        if self.publish_from and now < self.publish_from:
            return False
        if self.publish_until and now >= self.publish_until:
            return False
        return True


class Completeness(models.Model):
    product = models.ForeignKey("catalog.Product", related_name="completeness", on_delete=models.CASCADE)
    channel = models.ForeignKey("publishing.Channel", related_name="completeness", on_delete=models.CASCADE)
    language_code = LanguageField(_("language"))
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    missing = models.JSONField(_("missing"), default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("completeness")
        verbose_name_plural = _("completeness")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "channel", "language_code"], name="unique_completeness",
            ),
        ]

    def __str__(self):
        return f"{self.product_id}@{self.channel_id}/{self.language_code}: {self.score}%"

    @property
    def is_complete(self):
        return not self.missing

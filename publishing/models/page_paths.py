"""Old page addresses: a slug a product's page no longer uses, per channel × locale."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetiredSlug(models.Model):
    """A slug that named ``sku``'s page in ``locale`` until a republish changed it.

    The web channel answers the old address with a permanent redirect to the
    product's current page. The row keeps the SKU, not the next slug, so a
    chain of renames leads straight to the latest page. See publishing/page_paths.py.
    """

    channel = models.ForeignKey("publishing.Channel", related_name="retired_slugs", on_delete=models.CASCADE)
    locale = models.CharField(max_length=15)
    slug = models.CharField(max_length=255)
    sku = models.CharField(max_length=64)
    retired_at = models.DateTimeField()

    class Meta:
        verbose_name = _("retired page address")
        verbose_name_plural = _("retired page addresses")
        constraints = [
            models.UniqueConstraint(fields=["channel", "locale", "slug"], name="unique_retired_slug"),
        ]

    def __str__(self):
        return f"{self.channel_id}/{self.locale}/{self.slug} → {self.sku}"

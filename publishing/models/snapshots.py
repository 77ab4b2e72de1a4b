"""Published documents: the current snapshot per product × channel × locale."""

import json

from django.db import models
from django.utils.translation import gettext_lazy as _


class EncodedOnce(dict):
    """A document whose JSON text is kept after its first encoding: the
    publishing engine stores one built document in the snapshots of every
    channel that shares it, and encodes it once. It must not change after it
    was first saved."""

    __slots__ = ("text",)


class DocumentEncoder(json.JSONEncoder):
    """The snapshot document's encoder (Django's defaults otherwise)."""

    def encode(self, o):
        if isinstance(o, EncodedOnce):
            text = getattr(o, "text", None)
            if text is None:
                text = o.text = super().encode(o)
            return text
        return super().encode(o)


class ProductSnapshot(models.Model):
    """What a channel serves for one product in one language.

    ``seq`` is the feed position; it is stamped after the publishing
    transaction commits (see publishing/sequencing.py), so a change is never
    visible below a cursor a client already holds. A tombstone keeps its row
    with ``deleted`` set; its document is only ``sku``, ``deleted``,
    ``locale`` and ``updated_at`` (publishing.documents.tombstone_document).
    """

    channel = models.ForeignKey("publishing.Channel", related_name="snapshots", on_delete=models.CASCADE)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, related_name="snapshots", on_delete=models.SET_NULL,
    )
    sku = models.CharField(max_length=64)
    locale = models.CharField(max_length=15)
    document = models.JSONField(default=dict, encoder=DocumentEncoder)
    content_hash = models.CharField(max_length=64)
    deleted = models.BooleanField(default=False)
    seq = models.BigIntegerField(null=True, blank=True)
    pending = models.BooleanField(default=True, help_text=_("Waiting for a feed sequence number."))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("product snapshot")
        verbose_name_plural = _("product snapshots")
        constraints = [
            models.UniqueConstraint(fields=["channel", "locale", "sku"], name="unique_snapshot"),
        ]
        indexes = [
            models.Index(fields=["channel", "locale", "seq"], name="snapshot_feed_idx"),
            models.Index(fields=["channel", "pending"], name="snapshot_pending_idx"),
        ]

    def __str__(self):
        return f"{self.channel_id}/{self.locale}/{self.sku}@{self.seq}"

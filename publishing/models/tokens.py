"""Channel API tokens: shown once, stored hashed, scoped to one channel."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ChannelToken(models.Model):
    channel = models.ForeignKey("publishing.Channel", related_name="tokens", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel token")
        verbose_name_plural = _("channel tokens")

    def __str__(self):
        return f"{self.channel_id}:{self.prefix}…"

    @classmethod
    def issue(cls, channel, name=""):
        """Create a token; the raw value is returned once and never stored."""
        raw = f"pim_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(channel=channel, name=name, prefix=raw[:12], key_hash=hash_token(raw))
        return token, raw

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class FeedPullDay(models.Model):
    """Pulls per token and day (feed and marketplace files), for the dashboard."""

    token = models.ForeignKey(ChannelToken, related_name="pull_days", on_delete=models.CASCADE)
    day = models.DateField()
    pulls = models.PositiveIntegerField(default=0)
    last_pull_at = models.DateTimeField()

    class Meta:
        verbose_name = _("feed pulls per day")
        verbose_name_plural = _("feed pulls per day")
        constraints = [models.UniqueConstraint(fields=["token", "day"], name="unique_feed_pull_day")]

"""Background job records (progress, log, retries) and generated artifacts.

django-tasks runs the work; this record is what users see: a progress bar,
the log, the result file, and recovery of jobs whose worker died.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    log = models.TextField(_("log"), blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    artifact = models.ForeignKey(
        "publishing.Artifact", null=True, blank=True, related_name="+", on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"


class Artifact(models.Model):
    """A generated file (PDF, feed export), cached by the hash of its inputs."""

    kind = models.CharField(max_length=50)
    channel = models.ForeignKey(
        "publishing.Channel", null=True, blank=True, related_name="artifacts", on_delete=models.CASCADE,
    )
    locale = models.CharField(max_length=15, blank=True)
    format = models.CharField(max_length=30, blank=True)
    subject = models.CharField(max_length=100, blank=True, help_text=_("SKU, brochure or store code."))
    content_hash = models.CharField(max_length=64)
    file = models.FileField(upload_to="artifacts/")
    size_bytes = models.PositiveBigIntegerField(default=0)
    # What the maker reports beside the file: item counts, a feed's
    # validation report (left-out items and why), print warnings.
    meta = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("artifact")
        verbose_name_plural = _("artifacts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "locale", "format", "subject", "content_hash"],
                name="unique_artifact",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.channel_id}/{self.locale}/{self.format} {self.content_hash[:10]}"

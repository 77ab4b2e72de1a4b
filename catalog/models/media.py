"""Images (shared files by content hash, renditions) and product documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from .languages import LanguageField


class ImageFile(models.Model):
    """An uploaded image, stored once per content hash and shared by every
    product image that shows it; renditions hang off this file."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.ImageField(upload_to="images/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    format = models.CharField(max_length=10)
    size_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image file")
        verbose_name_plural = _("image files")

    def __str__(self):
        return f"{self.sha256[:12]} {self.width}×{self.height}"


class Rendition(models.Model):
    """A resized copy of an image file; made once, reused, guarded by a unique key."""

    image_file = models.ForeignKey(ImageFile, related_name="renditions", on_delete=models.CASCADE)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="renditions/")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image_file", "width", "format"], name="unique_rendition"),
        ]

    def __str__(self):
        return f"{self.image_file_id}@{self.width}.{self.format}"


class ProductImage(TranslatableModel):
    class Role(models.TextChoices):
        MAIN = "main", _("Main")
        GALLERY = "gallery", _("Gallery")
        DETAIL = "detail", _("Detail")
        LIFESTYLE = "lifestyle", _("Lifestyle")

    product = models.ForeignKey("catalog.Product", related_name="images", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), null=True, blank=True,
        related_name="images", on_delete=models.CASCADE,
    )
    image_file = models.ForeignKey(ImageFile, related_name="usages", on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.GALLERY)
    position = models.PositiveIntegerField(_("order"), default=0)
    translations = TranslatedFields(
        alt=models.CharField(_("alt text"), max_length=255, blank=True),
    )

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.product_id} #{self.position}"


class ProductDocument(models.Model):
    """A per-language file attached to a product (manual, safety sheet …)."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        SAFETY = "safety", _("Safety data sheet")
        CERTIFICATE = "certificate", _("Certificate")
        DATASHEET = "datasheet", _("Datasheet")
        OTHER = "other", _("Other")

    product = models.ForeignKey("catalog.Product", related_name="documents", on_delete=models.CASCADE)
    language_code = LanguageField(_("language"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MANUAL)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="documents/")
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("product document")
        verbose_name_plural = _("product documents")
        ordering = ["language_code", "position", "id"]

    def __str__(self):
        return self.title

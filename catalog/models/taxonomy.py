"""Categories (a tree of any depth) and brands."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields

from ..validators import validate_code


class Category(TranslatableModel):
    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        related_name="children", on_delete=models.PROTECT,
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    # Materialised path of codes ("tools/drills/"), kept on save: whole
    # subtrees and ancestor chains in one query, at any depth.
    tree_path = models.CharField(max_length=1024, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    google_product_category = models.CharField(
        _("Google product category"), max_length=255, blank=True,
        help_text=_("Google taxonomy id or path used by marketplace feeds."),
    )

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=200),
        slug=models.SlugField(_("slug"), max_length=200, allow_unicode=True),
        description=models.TextField(_("description"), blank=True),
        meta={"unique_together": [("language_code", "slug")]},
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["tree_path"]

    def __str__(self):
        return self.safe_translation_getter("name", any_language=True) or self.code

    def compute_path(self):
        prefix = self.parent.tree_path if self.parent_id else ""
        return f"{prefix}{self.code}/", (self.parent.depth + 1 if self.parent_id else 0)

    def save(self, *args, **kwargs):
        old_path = self.tree_path
        self.tree_path, self.depth = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.tree_path:
            for child in self.children.all():
                child.save()

    def clean(self):
        from django.core.exceptions import ValidationError

        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            node = node.parent

    def ancestor_codes(self):
        return [code for code in self.tree_path.split("/") if code]


class Brand(TranslatableModel):
    code = models.CharField(_("code"), max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)
    translations = TranslatedFields(
        description=models.TextField(_("description"), blank=True),
    )

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self):
        return self.name

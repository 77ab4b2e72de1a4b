"""Named querysets of the catalog: one loading plan per use, so a page costs
the same number of queries for 10 products as for 10 000."""

from django.db.models import Case, Prefetch, When
from parler.managers import TranslatableManager, TranslatableQuerySet


class ProductQuerySet(TranslatableQuerySet):
    def for_changelist(self):
        """What the admin product list shows of the catalog: translations
        (names and the per-language indicator), brand and family name, and
        the images (main first) with their renditions for a thumbnail."""
        from .models import ProductImage

        images = ProductImage.objects.select_related("image_file").prefetch_related(
            "image_file__renditions",
        ).order_by(
            Case(When(role=ProductImage.Role.MAIN, then=0), default=1), "position", "id",
        )
        return self.select_related("brand", "family").prefetch_related(
            "translations", "family__translations", Prefetch("images", queryset=images, to_attr="listed_images"),
        )

    def for_change_form(self):
        """The product with what its form shows outside the inlines."""
        return self.select_related("brand", "family", "replacement").prefetch_related(
            "translations",
            "family__translations",
            "family__family_attributes__attribute__translations",
            "attribute_values",
        )

    def search(self, query):
        """Products matching every word of ``query`` in SKU, GTIN, MPN,
        variant SKUs or a name in any language (Unicode case-insensitive)."""
        from .search import search_filter

        return self.filter(search_filter(query))


ProductManager = TranslatableManager.from_queryset(ProductQuerySet)

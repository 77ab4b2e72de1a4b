"""Named querysets of the catalog: one loading plan per use, so a page costs
the same number of queries for 10 products as for 10 000."""

from parler.managers import TranslatableManager, TranslatableQuerySet


class ProductQuerySet(TranslatableQuerySet):
    def for_changelist(self):
        """What the admin product list shows of the catalog: translations
        (names and the per-language indicator), brand and family name."""
        return self.select_related("brand", "family").prefetch_related("translations", "family__translations")

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

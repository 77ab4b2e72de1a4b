"""The validation report of an export: items written, items left out and why, warnings.

Stored in ``Artifact.meta`` and shown in the admin. Reasons and warnings are
machine codes; their messages are translated when displayed.
"""

from django.utils.translation import gettext_lazy as _

# An export of 100 000 products with a systematic problem must not turn the
# artifact's JSON into megabytes: the first entries are listed, all are counted.
MAX_LISTED = 2000

REASONS = {
    "discontinued": _("The product is discontinued; marketplaces only list what can be bought."),
    "no_price": _("No price in this channel."),
    "invalid_price": _("The price is not a positive amount."),
    "no_image": _("No image."),
    "invalid_image_link": _("The image URL is not an absolute http(s) URL of at most 2000 ASCII characters."),
    "no_link": _("No product page in this language."),
    "invalid_link": _("The product link is not an absolute http(s) URL of at most 2000 ASCII characters."),
    "no_title": _("The title is empty."),
    "no_description": _("The description is empty."),
    "invalid_gtin": _("The GTIN is not valid (8, 12, 13 or 14 digits with a correct check digit)."),
    "id_too_long": _("The SKU is longer than the marketplace accepts as an item id."),
    "group_id_too_long": _("The product's SKU is longer than the marketplace accepts as the variants' group id."),
    "no_identifier": _("Neither brand, GTIN nor MPN is known."),
}

WARNINGS = {
    "title_shortened": _("The title was shortened to the marketplace's limit."),
    "description_shortened": _("The description was shortened to the marketplace's limit."),
    "images_dropped": _("More additional images than the marketplace accepts: the rest were left out."),
    "backorder_without_date": _("Backorder without an availability date: sent as out of stock."),
    "preorder_without_date": _("Pre-order without an availability date: sent as out of stock."),
    "no_store_stock": _("No store stock: no local inventory rows."),
}


def reason_text(code):
    return str(REASONS.get(code) or WARNINGS.get(code) or code)


class ExportReport:
    """Collects what happened while an export streamed."""

    def __init__(self):
        self.products = 0
        self.items = 0
        self.rows = 0
        self.excluded = []
        self.excluded_count = 0
        self.warnings = {}

    def product(self):
        self.products += 1

    def written(self, rows=1):
        self.items += 1
        self.rows += rows

    def exclude(self, sku, item_id, reasons):
        self.excluded_count += 1
        if len(self.excluded) < MAX_LISTED:
            self.excluded.append({"sku": sku, "id": item_id, "reasons": list(reasons)})

    def warn(self, code):
        self.warnings[code] = self.warnings.get(code, 0) + 1

    def as_meta(self, **extra):
        return {
            "products": self.products,
            "items": self.items,
            "rows": self.rows,
            "excluded_count": self.excluded_count,
            "excluded": self.excluded,
            "warnings": self.warnings,
            **extra,
        }

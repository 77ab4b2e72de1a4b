"""Meta (Facebook and Instagram) catalog feed: CSV in Meta's own column names and values.

One file per language. The ids are the same as in the Google feed, so a
product keeps its id across marketplaces and languages.
"""

import csv

from .offers import extra_images, limited, money, offers_of, sale_fields, shipping_weight
from .text import TextHandle

ID_LIMIT = 100
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 9999
ADDITIONAL_IMAGES = 20

FIELDS = (
    "id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand",
    "google_product_category", "product_type", "sale_price", "sale_price_effective_date", "item_group_id",
    "color", "size", "material", "pattern", "gender", "age_group", "gtin", "mpn", "additional_image_link",
    "quantity_to_sell_on_facebook", "shipping_weight", "status",
)
# Meta spells availability in words, with spaces.
AVAILABILITY = {
    "in_stock": "in stock",
    "out_of_stock": "out of stock",
    "preorder": "preorder",
    "backorder": "available for order",
}


def meta_problems(offer):
    problems = list(offer.problems)
    if len(offer.id) > ID_LIMIT:
        problems.append("id_too_long")
    if not (offer.brand or offer.gtin or offer.mpn):
        problems.append("no_identifier")
    return problems


def meta_row(offer, context, report):
    title, description = limited(offer, report, TITLE_LIMIT, DESCRIPTION_LIMIT)
    availability = AVAILABILITY.get(offer.availability, "out of stock")
    row = {
        "id": offer.id,
        "title": title,
        "description": description,
        "availability": availability,
        "condition": context.condition,
        "price": money(offer.amount, offer.currency),
        "link": offer.link,
        "image_link": offer.images[0],
        "brand": offer.brand or "",
        "google_product_category": offer.google_product_category or "",
        "product_type": offer.product_type or "",
        "item_group_id": offer.group_id or "",
        "gtin": offer.gtin or "",
        "mpn": offer.mpn or "",
        "additional_image_link": ",".join(extra_images(offer, report, ADDITIONAL_IMAGES)),
        "quantity_to_sell_on_facebook": str(max(offer.quantity, 0)),
        "shipping_weight": shipping_weight(offer) or "",
        "status": "active",
    }
    row.update(sale_fields(offer))
    for name in ("color", "size", "material", "pattern", "gender", "age_group"):
        row[name] = offer.attributes.get(name, "")
    return row


def write_csv(handle, documents, context, report):
    """Comma-separated, UTF-8, a header row of Meta's field names."""
    with TextHandle(handle) as text:
        writer = csv.DictWriter(text, fieldnames=FIELDS, restval="", lineterminator="\n")
        writer.writeheader()
        for document in documents:
            report.product()
            for offer in offers_of(document, context):
                problems = meta_problems(offer)
                if problems:
                    report.exclude(offer.sku, offer.id, problems)
                    continue
                writer.writerow(meta_row(offer, context, report))
                report.written()

"""Google Merchant Center product feeds: RSS 2.0 XML (g: namespace) and TSV.

One file per content language and feed label; the item id is the SKU of the
product (or of the variant), so it is the same in every language. Items that
Google would refuse are left out and listed in the report.
"""

import csv

from lxml import etree

from .offers import extra_images, limited, money, offers_of, sale_fields, shipping_weight, valid_url
from .text import TextHandle

G = "http://base.google.com/ns/1.0"
NSMAP = {"g": G}

ID_LIMIT = 50
TITLE_LIMIT = 150
DESCRIPTION_LIMIT = 5000
ADDITIONAL_IMAGES = 10
GROUP_LIMIT = 50

# The attributes written, in TSV column order.
FIELDS = (
    "id", "title", "description", "link", "image_link", "additional_image_link", "availability",
    "availability_date", "price", "sale_price", "sale_price_effective_date", "brand", "gtin", "mpn",
    "identifier_exists", "condition", "google_product_category", "product_type", "item_group_id",
    "color", "size", "material", "pattern", "gender", "age_group", "shipping_weight",
)
AVAILABILITY = {"in_stock", "out_of_stock", "preorder", "backorder"}


def google_problems(offer):
    problems = list(offer.problems)
    if len(offer.id) > ID_LIMIT:
        problems.append("id_too_long")
    if offer.group_id and len(offer.group_id) > GROUP_LIMIT:
        # Without item_group_id Google would take each variant for a product of its own.
        problems.append("group_id_too_long")
    return problems


def _availability(offer, report):
    availability = offer.availability if offer.availability in AVAILABILITY else "out_of_stock"
    date = None
    if availability in ("preorder", "backorder"):
        if offer.available_from:
            date = f"{offer.available_from}T00:00:00Z"
        else:
            # Google refuses both without a date; never promise one we do not have.
            report.warn(f"{availability}_without_date")
            availability = "out_of_stock"
    return availability, date


def google_item(offer, context, report):
    """{attribute: value} of one valid offer; lists repeat in XML."""
    title, description = limited(offer, report, TITLE_LIMIT, DESCRIPTION_LIMIT)
    availability, availability_date = _availability(offer, report)
    item = {
        "id": offer.id,
        "title": title,
        "description": description,
        "link": offer.link,
        "image_link": offer.images[0],
        "additional_image_link": extra_images(offer, report, ADDITIONAL_IMAGES),
        "availability": availability,
        "availability_date": availability_date,
        "price": money(offer.amount, offer.currency),
        "brand": offer.brand,
        "condition": context.condition,
        "google_product_category": offer.google_product_category,
        "product_type": offer.product_type,
        "shipping_weight": shipping_weight(offer),
    }
    item.update(sale_fields(offer))
    if offer.gtin:
        item["gtin"] = offer.gtin
    if offer.mpn:
        item["mpn"] = offer.mpn
    if not offer.gtin and not (offer.mpn and offer.brand):
        item["identifier_exists"] = "no"
    if offer.group_id:
        item["item_group_id"] = offer.group_id
    for name in ("color", "size", "material", "pattern", "gender", "age_group"):
        if offer.attributes.get(name):
            item[name] = offer.attributes[name][:100]
    return {key: value for key, value in item.items() if value not in (None, "", [])}


def google_items(documents, context, report):
    """Valid items of every document; the others go to the report."""
    for document in documents:
        report.product()
        for offer in offers_of(document, context):
            problems = google_problems(offer)
            if problems:
                report.exclude(offer.sku, offer.id, problems)
                continue
            yield offer, google_item(offer, context, report)


def _channel_title(context):
    label = f" {context.feed_label}" if context.feed_label else ""
    return f"{context.channel_name}{label} ({context.locale})"


def write_xml(handle, documents, context, report):
    """RSS 2.0 with the g: namespace, written item by item (lxml xmlfile)."""
    with etree.xmlfile(handle, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", {"version": "2.0"}, nsmap=NSMAP):
            with xf.element("channel"):
                for tag, text in (
                    ("title", _channel_title(context)),
                    ("link", context.base_url + "/" if valid_url(context.base_url) else context.base_url),
                    ("description", f"{context.channel_code} {context.locale} {context.feed_label}".strip()),
                    ("language", context.locale),
                ):
                    element = etree.Element(tag)
                    element.text = text
                    xf.write(element)
                xf.write("\n")
                for _offer, item in google_items(documents, context, report):
                    # Written through xmlfile itself (not as detached elements),
                    # so the g: prefix declared on <rss> is used, never redeclared.
                    with xf.element("item"):
                        for name, value in item.items():
                            tag = f"{{{G}}}{name}"
                            for single in value if isinstance(value, list) else (value,):
                                with xf.element(tag):
                                    xf.write(str(single))
                    xf.write("\n")
                    report.written()


def _cell(value):
    if isinstance(value, list):
        value = ",".join(value)
    return str(value or "").replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_tsv(handle, documents, context, report):
    """Tab-separated with a header row of Google's attribute names."""
    with TextHandle(handle) as text:
        writer = csv.writer(text, delimiter="\t", lineterminator="\n")
        writer.writerow(FIELDS)
        for _offer, item in google_items(documents, context, report):
            writer.writerow([_cell(item.get(name)) for name in FIELDS])
            report.written()

"""From a published document to marketplace offers: one per variant (or per product without variants).

Shared by the Google, Meta and local inventory formats so that ids, prices,
availability and images are decided once; each format only renames and
validates against its own limits.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from stdnum import ean

from .text import cut, one_line, plain_text

# Attribute or variant-axis codes that marketplaces know by their own names.
DEFAULT_ATTRIBUTE_MAP = {
    "color": "color", "colour": "color", "size": "size", "material": "material",
    "pattern": "pattern", "gender": "gender", "age_group": "age_group",
}
CENT = Decimal("0.01")


@dataclass
class ExportContext:
    """What every format needs to know beside the documents."""

    channel_code: str
    channel_name: str
    locale: str
    feed_label: str
    condition: str = "new"
    attribute_map: dict = field(default_factory=lambda: dict(DEFAULT_ATTRIBUTE_MAP))
    base_url: str = ""
    progress: object = None

    @classmethod
    def for_channel(cls, channel, locale, progress=None):
        return cls(
            channel_code=channel.code,
            channel_name=channel.name,
            locale=locale,
            feed_label=(channel.feed_label or "").strip().upper(),
            condition=getattr(settings, "PIM_EXPORT_CONDITION", "new"),
            attribute_map=getattr(settings, "PIM_EXPORT_ATTRIBUTE_MAP", None) or dict(DEFAULT_ATTRIBUTE_MAP),
            base_url=settings.PIM_BASE_URL,
            progress=progress,
        )

    def fingerprint(self):
        """The settings that shape a file (part of its cache key)."""
        return {
            "channel": self.channel_code, "name": self.channel_name, "locale": self.locale,
            "feed_label": self.feed_label, "condition": self.condition,
            "attribute_map": self.attribute_map, "base_url": self.base_url,
        }


@dataclass
class Offer:
    id: str
    sku: str
    group_id: str | None
    title: str
    description: str
    link: str | None
    images: list
    availability: str
    available_from: str | None
    amount: Decimal | None
    currency: str
    sale: dict | None
    brand: str | None
    gtin: str | None
    mpn: str | None
    google_product_category: str | None
    product_type: str | None
    attributes: dict
    weight_grams: int | None
    quantity: int
    stores: list
    status: str
    problems: list = field(default_factory=list)


def money(amount, currency):
    """"12.90 EUR": two decimals, a dot, the ISO currency code."""
    return f"{amount.quantize(CENT)} {currency}"


def amount_of(value):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def valid_url(url):
    return bool(url) and len(url) <= 2000 and url.isascii() and url.startswith(("http://", "https://"))


def valid_gtin(value):
    value = str(value)
    return value.isdigit() and len(value) in (8, 12, 13, 14) and ean.is_valid(value)


def _image_urls(images):
    return [image["url"] for image in images or () if image.get("url")]


def _mapped_attributes(document, variant, attribute_map):
    mapped = {}
    for attribute in document.get("attributes") or ():
        name = attribute_map.get(attribute.get("code"))
        if name and attribute.get("display") not in (None, ""):
            mapped[name] = one_line(attribute["display"])
    for code, label in ((variant or {}).get("axes") or {}).items():
        name = attribute_map.get(code)
        if name and label:
            mapped[name] = one_line(label)
    return mapped


def _first_category(document):
    categories = document.get("categories") or []
    google = next((c["google_product_category"] for c in categories if c.get("google_product_category")), None)
    path = categories[0]["path"] if categories and categories[0].get("path") else None
    return google, path


def _shared(document, context):
    """What every offer of a document has in common, worked out once."""
    google_category, product_type = _first_category(document)
    return {
        "title": one_line(document.get("name")),
        "description": plain_text(document.get("description"), keep_lines=True) or plain_text(
            document.get("short_description"), keep_lines=True,
        ),
        "images": _image_urls(document.get("images")),
        "brand": one_line(document.get("brand")) or None,
        "google_category": google_category,
        "product_type": product_type,
        "attributes": _mapped_attributes(document, None, context.attribute_map),
    }


def _offer(document, variant, context, shared):
    sku = document["sku"]
    # The builder already gives a variant without its own price the product's.
    price = variant.get("price") if variant is not None else document.get("price")
    title = shared["title"]
    link = document.get("url")
    images = shared["images"]
    attributes = shared["attributes"]
    if variant is not None:
        if title and variant.get("axes"):
            title = f"{title} ({', '.join(one_line(v) for v in variant['axes'].values())})"
        if link:
            link = f"{link}?variant={quote(variant['sku'], safe='')}"
        own = _image_urls(variant.get("images"))
        images = own + [url for url in images if url not in own]
        attributes = {**attributes, **_mapped_attributes({}, variant, context.attribute_map)}
    offer = Offer(
        id=variant["sku"] if variant else sku,
        sku=sku,
        group_id=sku if variant is not None else None,
        title=title,
        description=shared["description"],
        link=link,
        images=images,
        availability=(variant or document).get("availability") or "out_of_stock",
        available_from=document.get("available_from"),
        amount=amount_of(price["amount"]) if price and price.get("amount") not in (None, "") else None,
        currency=(price or {}).get("currency") or "",
        sale=(price or {}).get("sale"),
        brand=shared["brand"],
        gtin=((variant.get("gtin") if variant else None) or (None if variant else document.get("gtin"))) or None,
        mpn=document.get("mpn") or None,
        google_product_category=shared["google_category"],
        product_type=shared["product_type"],
        attributes=attributes,
        weight_grams=(variant.get("weight_grams") if variant else None) or document.get("weight_grams"),
        quantity=int((variant or document).get("quantity") or 0),
        stores=(variant or document).get("stores") or [],
        status=document.get("status") or "active",
    )
    offer.problems = _problems(offer, price)
    return offer


def _problems(offer, price):
    """Reasons an offer cannot be sent to any marketplace."""
    if offer.status == "discontinued":
        # It can no longer be bought, and its page answers 410 or redirects
        # to the replacement, which a marketplace flags as a broken link.
        return ["discontinued"]
    problems = []
    if not price or price.get("amount") in (None, ""):
        problems.append("no_price")
    elif offer.amount is None or offer.amount <= 0 or not offer.currency:
        problems.append("invalid_price")
    if not offer.title:
        problems.append("no_title")
    if not offer.description:
        problems.append("no_description")
    if not offer.link:
        problems.append("no_link")
    elif not valid_url(offer.link):
        problems.append("invalid_link")
    if not offer.images:
        problems.append("no_image")
    elif not valid_url(offer.images[0]):
        problems.append("invalid_image_link")
    if offer.gtin and not valid_gtin(offer.gtin):
        problems.append("invalid_gtin")
    return problems


def offers_of(document, context):
    """The offers of one document: one per variant, else one for the product."""
    shared = _shared(document, context)
    variants = document.get("variants") or []
    if variants:
        return [_offer(document, variant, context, shared) for variant in variants]
    return [_offer(document, None, context, shared)]


def limited(offer, report, title_limit, description_limit):
    """(title, description) cut to a marketplace's limits, noting each cut."""
    title, description = offer.title, offer.description
    if len(title) > title_limit:
        title = cut(title, title_limit)
        report.warn("title_shortened")
    if len(description) > description_limit:
        description = cut(description, description_limit)
        report.warn("description_shortened")
    return title, description


def extra_images(offer, report, limit):
    urls = [url for url in offer.images[1:] if valid_url(url)]
    if len(urls) > limit:
        report.warn("images_dropped")
    return urls[:limit]


def _moment(value):
    """ISO 8601 to the minute with the UTC offset, in the site's time zone
    ("2026-12-01T00:00+02:00"), the way marketplaces read sale periods."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = timezone.localtime(moment)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%dT%H:%M}{offset[:3]}:{offset[3:]}"


def sale_fields(offer):
    """``sale_price`` and ``sale_price_effective_date`` of an offer whose
    dated price is below the regular one; {} otherwise."""
    sale = offer.sale
    amount = amount_of(sale.get("amount")) if sale and sale.get("amount") else None
    if amount is None or not 0 < amount < offer.amount:
        return {}
    fields = {"sale_price": money(amount, offer.currency)}
    start, end = _moment(sale.get("from") or ""), _moment(sale.get("until") or "")
    if start and end:
        fields["sale_price_effective_date"] = f"{start}/{end}"
    return fields


def shipping_weight(offer):
    return f"{offer.weight_grams} g" if offer.weight_grams else None

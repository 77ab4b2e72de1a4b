"""Search-engine metadata of a product page: JSON-LD, hreflang, canonical, OpenGraph."""

import json

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

# Contract availability words → schema.org ItemAvailability.
SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "out_of_stock": "https://schema.org/OutOfStock",
    "preorder": "https://schema.org/PreOrder",
    "backorder": "https://schema.org/BackOrder",
}

OG_LOCALES = {"en": "en_GB", "fi": "fi_FI", "hu": "hu_HU", "ru": "ru_RU", "bg": "bg_BG"}


def product_json_ld(document):
    """schema.org Product with one Offer: the document's own price and availability."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "sku": document.get("sku"),
        "name": document.get("name"),
        "description": strip_tags(document.get("short_description") or document.get("description") or "").strip(),
        "url": document.get("url"),
        "image": [image["url"] for image in document.get("images") or [] if image.get("url")],
    }
    if document.get("gtin"):
        data["gtin"] = document["gtin"]
    if document.get("brand"):
        data["brand"] = {"@type": "Brand", "name": document["brand"]}
    price = document.get("price")
    if price and price.get("amount") is not None:
        data["offers"] = {
            "@type": "Offer",
            "url": document.get("url"),
            "price": str(price["amount"]),
            "priceCurrency": price.get("currency"),
            "availability": SCHEMA_AVAILABILITY.get(document.get("availability"), "https://schema.org/OutOfStock"),
            "itemCondition": "https://schema.org/NewCondition",
        }
    return data


def json_ld_script(data):
    """The data as a <script type="application/ld+json"> that HTML cannot break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def alternates(documents_by_locale):
    """hreflang links of a product: every published language plus x-default."""
    return hreflang_links({locale: doc.get("url") for locale, doc in documents_by_locale.items()})


def hreflang_links(urls_by_locale):
    """hreflang links: one per language with a page, plus x-default.

    x-default points to the site's default language when the page exists in
    it, else to the first language given.
    """
    links = [(locale, url) for locale, url in urls_by_locale.items() if url]
    if not links:
        return []
    default = dict(links).get(settings.LANGUAGE_CODE) or links[0][1]
    return [{"hreflang": code, "href": url} for code, url in links] + [{"hreflang": "x-default", "href": default}]


def open_graph(document, locale, alternate_locales=()):
    """OpenGraph properties as (property, content) pairs."""
    tags = [
        ("og:type", "product"),
        ("og:title", document.get("name") or ""),
        ("og:description", strip_tags(document.get("short_description") or "").strip()),
        ("og:url", document.get("url") or ""),
        ("og:locale", OG_LOCALES.get(locale, locale)),
    ]
    tags += [("og:locale:alternate", OG_LOCALES.get(code, code)) for code in alternate_locales if code != locale]
    images = document.get("images") or []
    if images:
        tags += [("og:image", images[0]["url"]), ("og:image:alt", images[0].get("alt") or "")]
    price = document.get("price") or {}
    if price.get("amount") is not None:
        tags += [("product:price:amount", str(price["amount"])), ("product:price:currency", price.get("currency", ""))]
    return tags

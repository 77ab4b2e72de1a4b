"""Display texts of a document for templates: money in the reader's format, availability words."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pim.formatting import format_money


def availability_label(code):
    return {
        "in_stock": _("In stock"),
        "out_of_stock": _("Out of stock"),
        "preorder": _("Available to pre-order"),
        "backorder": _("Available on back-order"),
    }.get(code, _("Not available"))


def store_line(store):
    """'In stock in the Kamppi store' and its siblings."""
    name = store.get("name") or store.get("code")
    return {
        "in_stock": pgettext("store availability", "In stock in the %(store)s store"),
        "out_of_stock": pgettext("store availability", "Out of stock in the %(store)s store"),
        "preorder": pgettext("store availability", "Pre-order in the %(store)s store"),
        "backorder": pgettext("store availability", "Back-order in the %(store)s store"),
    }.get(store.get("availability"), pgettext("store availability", "Ask in the %(store)s store")) % {"store": name}


def price_label(price, locale):
    if not price or price.get("amount") is None:
        return ""
    text = format_money(price["amount"], price.get("currency") or "EUR", locale)
    return _("from %(price)s") % {"price": text} if price.get("from") else text


def srcset(image):
    """'url 320w, url 640w' of an image's renditions (one format: the first listed)."""
    renditions = image.get("renditions") or []
    formats = [r.get("format") for r in renditions]
    preferred = "jpeg" if "jpeg" in formats else (formats[0] if formats else None)
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions if r.get("format") == preferred and r.get("width"))


def image_view(image):
    return {**image, "srcset": srcset(image)}


def product_view(document, locale):
    """The document plus the display strings the product template shows."""
    return {
        **document,
        "price_label": price_label(document.get("price"), locale),
        "availability_label": availability_label(document.get("availability")),
        "store_lines": [
            {**store, "line": store_line(store)} for store in document.get("stores") or []
        ],
        "images": [image_view(i) for i in document.get("images") or []],
        "variants": [
            {
                **variant,
                "price_label": price_label(variant.get("price"), locale),
                "availability_label": availability_label(variant.get("availability")),
                "axes_label": " / ".join(str(v) for v in (variant.get("axes") or {}).values()),
            }
            for variant in document.get("variants") or []
        ],
        "attributes": [a for a in document.get("attributes") or [] if a.get("display") not in (None, "")],
    }


def card(entry, locale):
    """A listing card: name, link, first image, price and availability."""
    document = entry.document
    images = document.get("images") or []
    return {
        "sku": document.get("sku"),
        "name": document.get("name"),
        "brand": document.get("brand"),
        "path": entry.path,
        "image": image_view(images[0]) if images else None,
        "price_label": price_label(document.get("price"), locale),
        "availability_label": availability_label(document.get("availability")),
    }

"""Shelf labels of one store in one language: A4 sheets of 3 × 7 labels with price, EAN-13 and QR code.

``render_labels(store_code, locale, channel_code="print", progress=None, log=None) -> Artifact``
is what the job kind, the command and the admin all call. A label is made
for every product (or, for products with variants, every variant) that has
a stock row in that store according to the published document.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from publishing.pdf import common
from publishing.pdf.barcodes import InvalidBarcode, ean13_svg

KIND = "labels"
TEMPLATES = ("pdf/labels.html",)
STYLESHEETS = ("pdf/print.css", "pdf/labels.css")
COLUMNS, ROWS = 3, 7


def _in_store(entry, store_code):
    return next((s for s in entry.get("stores") or [] if s.get("code") == store_code), None)


def _barcode(gtin):
    if not gtin:
        return None
    try:
        return ean13_svg(gtin, bar_height_mm=9)
    except InvalidBarcode:
        return None


def labels_for(document, store_code, locale):
    """The labels of one product document for ``store_code`` (one per stocked variant, else one)."""
    attributes = [a["display"] for a in common.key_attributes(document, count=3)]
    url = document.get("url") or ""
    qr = common.qr_markup(url, size_mm=20) if url else None
    base = {
        "name": document.get("name") or document["sku"],
        "brand": document.get("brand") or "",
        "attributes": " · ".join(attributes),
        "url": url,
        "qr": qr,
    }
    stocked_variants = [v for v in document.get("variants") or [] if _in_store(v, store_code)]
    if stocked_variants:
        return [
            {
                **base,
                "sku": variant["sku"],
                "variant": ", ".join(str(v) for v in (variant.get("axes") or {}).values()),
                "gtin": variant.get("gtin") or "",
                "barcode": _barcode(variant.get("gtin")),
                "price": common.price_text(variant.get("price") or document.get("price"), locale),
            }
            for variant in stocked_variants
        ]
    if not _in_store(document, store_code):
        return []
    return [{
        **base,
        "sku": document["sku"],
        "variant": "",
        "gtin": document.get("gtin") or "",
        "barcode": _barcode(document.get("gtin")),
        "price": common.price_text(document.get("price"), locale),
    }]


def store_name(rows, store_code):
    for _sku, _hash, _seq, document in rows:
        entry = _in_store(document, store_code)
        if entry is None:
            for variant in document.get("variants") or []:
                entry = entry or _in_store(variant, store_code)
        if entry is not None:
            return entry.get("name") or store_code
    return store_code


def _check_store(store_code):
    # The store list belongs to the core's published data; an unknown code is
    # a typo the user should see at once, not an empty sheet.
    from catalog.models import Store

    if not Store.objects.filter(code=store_code).exists():
        raise common.RenderInputError(_("Unknown store: %(code)s") % {"code": store_code})


def render_labels(store_code, locale, *, channel_code="print", progress=None, log=None):
    """Render (or reuse) the shelf labels of ``store_code`` in ``locale``; returns the Artifact."""
    reporter = common.Reporter(progress, log)
    channel = common.get_channel(channel_code)
    common.check_locale(channel, locale)
    _check_store(store_code)
    all_rows = common.snapshots(channel, locale)
    rows = [
        row for row in all_rows
        if _in_store(row[3], store_code) or any(_in_store(v, store_code) for v in row[3].get("variants") or [])
    ]
    steps_total = len(rows) + 2
    stylesheets = [common.static_path(name) for name in STYLESHEETS]
    key = common.inputs_hash(KIND, rows=rows, templates=TEMPLATES, stylesheets=stylesheets,
                             extra={"channel": channel.code, "locale": locale, "store": store_code,
                                    "qr": common.qr_version(), "barcodes": common.file_hash_of_module("barcodes.py")})
    artifact = common.cached(KIND, key, channel=channel, locale=locale, subject=store_code, reporter=reporter,
                             steps_total=steps_total)
    if artifact is not None:
        return artifact
    reporter.log(_("Rendering shelf labels of store %(store)s in %(locale)s: %(count)d products.")
                 % {"store": store_code, "locale": locale, "count": len(rows)})
    reporter.progress(0, steps_total, _("preparing labels"))
    labels = []
    with override(locale):
        for index, (_sku, _hash, _seq, document) in enumerate(rows, start=1):
            labels.extend(labels_for(document, store_code, locale))
            reporter.progress(index, steps_total)
        per_sheet = COLUMNS * ROWS
        sheets = [labels[i:i + per_sheet] for i in range(0, len(labels), per_sheet)] or [[]]
        context = {
            "locale": locale,
            "channel": channel,
            "store": {"code": store_code, "name": store_name(rows, store_code)},
            "sheets": sheets,
            "generated_on": common.generated_on(locale),
            "base_url": settings.PIM_BASE_URL,
        }
    return common.render_to_artifact(
        KIND, key, template=TEMPLATES[0], context=context, stylesheets=stylesheets,
        filename=f"labels-{store_code}-{locale}.pdf", channel=channel, locale=locale, subject=store_code,
        reporter=reporter, steps_done=len(rows), steps_total=steps_total,
        meta={"store": store_code, "products": len(rows), "labels": len(labels),
              "gtins": [label["gtin"] for label in labels if label["barcode"]]},
    )

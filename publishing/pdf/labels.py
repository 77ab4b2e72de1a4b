"""Shelf labels of one store in one language: A4 sheets of 3 × 7 labels with price, EAN-13 and QR code.

``render_labels(store_code, locale, channel_code="print", progress=None, log=None) -> Artifact``
is what the job kind, the command and the admin all call. A label is made
for every product (or, for products with variants, every variant) that has
a stock row in that store according to the published document.

A large store (a 100 000-product catalog gives thousands of sheets) is
rendered in parts of whole sheets, in parallel processes that each end
after their part, and joined with pypdf (publishing.pdf.parts), so memory
stays bounded by the part size instead of growing with the store.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from publishing.pdf import common, parts
from publishing.pdf import render as pdf_render
from publishing.pdf.barcodes import InvalidBarcode, ean13_svg

KIND = "labels"
TEMPLATES = ("pdf/labels.html",)
STYLESHEETS = ("pdf/print.css", "pdf/labels.css")
COLUMNS, ROWS = 3, 7
PER_SHEET = COLUMNS * ROWS


def sheets_per_part():
    """Sheets in one part: about as many labels as a catalog part has products."""
    return max(1, parts.part_size() // PER_SHEET)


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


def parts_renderer(context, stylesheets, reporter, *, steps_done, steps_total):
    """A renderer(handle) for common.render_to_artifact that renders the
    sheets in parts of ``sheets_per_part()`` and joins them; returns it and
    the number of parts."""
    sheets = context["sheets"]
    size = sheets_per_part()
    part_sheets = [sheets[i:i + size] for i in range(0, len(sheets), size)]
    labels_total = sum(len(sheet) for sheet in sheets) or 1
    base_url = settings.PIM_BASE_URL + "/"

    def renderer(handle):
        with override(context["locale"]):
            htmls = [render_to_string(TEMPLATES[0], {**context, "sheets": piece}) for piece in part_sheets]
        done = {"labels": 0}

        def part_done(index):
            done["labels"] += sum(len(sheet) for sheet in part_sheets[index])
            reporter.progress(steps_done + (steps_total - steps_done - 2) * done["labels"] // labels_total,
                              steps_total,
                              _("part %(part)d of %(parts)d laid out") % {"part": index + 1, "parts": len(htmls)})

        with parts.temp_directory() as directory:
            rendered = parts.render_parallel(htmls, stylesheets, directory, on_done=part_done)
            reporter.progress(steps_total - 1, steps_total, _("merging parts"))
            pages = parts.merge(None, [path for path, *_rest in rendered], None, handle)
        return pdf_render.RenderResult(pages=pages, refused=[item for r in rendered for item in r[2]])

    return renderer, len(part_sheets)


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
    # a store has at least one label per product: more products than a part
    # holds labels means more than one part
    in_parts = len(rows) > sheets_per_part() * PER_SHEET
    # in parts, the products are counted twice: prepared, then laid out
    steps_total = len(rows) * (2 if in_parts else 1) + 2
    stylesheets = [common.static_path(name) for name in STYLESHEETS]
    key = common.inputs_hash(KIND, rows=rows, templates=TEMPLATES, stylesheets=stylesheets, locale=locale,
                             modules=("labels.py", "parts.py", "barcodes.py", "qr.py"),
                             extra={"channel": channel.code, "locale": locale, "store": store_code,
                                    "part_sheets": sheets_per_part() if in_parts else None})
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
        sheets = [labels[i:i + PER_SHEET] for i in range(0, len(labels), PER_SHEET)] or [[]]
        context = {
            "locale": locale,
            "channel": channel,
            "store": {"code": store_code, "name": store_name(rows, store_code)},
            "sheets": sheets,
            "generated_on": common.generated_on(locale),
            "base_url": settings.PIM_BASE_URL,
        }
    meta = {"store": store_code, "products": len(rows), "labels": len(labels),
            "gtins": [label["gtin"] for label in labels if label["barcode"]], "parts": 1}
    renderer = None
    if in_parts:
        renderer = parts.prepare(parts_renderer, context, stylesheets, reporter, meta, steps_done=len(rows),
                                 steps_total=steps_total)
    return common.render_to_artifact(
        KIND, key, template=TEMPLATES[0], context=context, stylesheets=stylesheets,
        filename=f"labels-{store_code}-{locale}.pdf", channel=channel, locale=locale, subject=store_code,
        reporter=reporter, steps_done=len(rows), steps_total=steps_total, meta=meta, renderer=renderer,
    )

"""The technical datasheet of one product in one language: every attribute, documents, relations, QR code.

``render_datasheet(sku, locale, channel_code="print", progress=None, log=None) -> Artifact``
is what the job kind, the command and the admin all call.
"""

from urllib.parse import unquote

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from publishing.pdf import common

KIND = "datasheet"
TEMPLATES = ("pdf/datasheet.html",)
STYLESHEETS = ("pdf/print.css", "pdf/datasheet.css")
MODULES = ("datasheet.py", "qr.py")  # the code that draws the datasheet (cache key)
RELATION_KINDS = ("spare_part", "accessory", "replacement", "similar")


def relation_groups(document):
    """[(kind label, [relations])] in a fixed order: spare parts, accessories, others."""
    labels = {
        "spare_part": _("Spare parts"), "accessory": _("Accessories"),
        "replacement": _("Replacements"), "similar": _("Similar products"),
    }
    grouped = {}
    for relation in document.get("relations") or []:
        grouped.setdefault(relation.get("kind") or "similar", []).append(relation)
    order = list(RELATION_KINDS) + sorted(k for k in grouped if k not in RELATION_KINDS)
    return [(labels.get(kind, kind), grouped[kind]) for kind in order if kind in grouped]


def datasheet_context(document, channel, locale):
    variants = [
        {
            "sku": variant["sku"],
            "axes": ", ".join(str(v) for v in (variant.get("axes") or {}).values()),
            "gtin": variant.get("gtin") or "",
            "price": common.price_text(variant.get("price"), locale),
        }
        for variant in document.get("variants") or []
    ]
    url = document.get("url") or ""
    return {
        "locale": locale,
        "channel": channel,
        "doc": document,
        "title": _("Datasheet"),
        "image": common.image_src(document, max_width=640),
        "attributes": document.get("attributes") or [],
        "documents": document.get("documents") or [],
        "relations": relation_groups(document),
        "variants": variants,
        "price": common.price_text(document.get("price"), locale),
        "categories": ", ".join(c.get("path") or c.get("name") or "" for c in document.get("categories") or []),
        "url": url,
        "url_display": unquote(url),
        "qr": common.qr_markup(url) if url else None,
        "generated_on": common.generated_on(locale),
        "base_url": settings.PIM_BASE_URL,
    }


def render_datasheet(sku, locale, *, channel_code="print", progress=None, log=None):
    """Render (or reuse) the datasheet of ``sku`` in ``locale`` on a channel; returns the Artifact."""
    reporter = common.Reporter(progress, log)
    channel = common.get_channel(channel_code)
    common.check_locale(channel, locale)
    rows = common.snapshots(channel, locale, skus=[sku])
    if not rows:
        raise common.RenderInputError(
            _("Unknown SKU: %(sku)s (not published on %(channel)s in %(locale)s)")
            % {"sku": sku, "channel": channel.code, "locale": locale},
        )
    steps_total = 3
    stylesheets = [common.static_path(name) for name in STYLESHEETS]
    key = common.inputs_hash(KIND, rows=rows, templates=TEMPLATES, stylesheets=stylesheets, locale=locale,
                             modules=MODULES, extra={"channel": channel.code, "locale": locale})
    artifact = common.cached(KIND, key, channel=channel, locale=locale, subject=sku, reporter=reporter,
                             steps_total=steps_total)
    if artifact is not None:
        return artifact
    reporter.progress(0, steps_total, _("preparing datasheet"))
    with override(locale):
        context = datasheet_context(rows[0][3], channel, locale)
    reporter.progress(1, steps_total)
    return common.render_to_artifact(
        KIND, key, template=TEMPLATES[0], context=context, stylesheets=stylesheets,
        filename=f"datasheet-{sku}-{locale}.pdf", channel=channel, locale=locale, subject=sku,
        reporter=reporter, steps_done=1, steps_total=steps_total,
        meta={"sku": sku, "url": context["url"], "version": rows[0][2]},
    )

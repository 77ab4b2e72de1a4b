"""The PDF catalog of one channel in one language: cover, contents, a chapter per category.

``render_catalog(channel_code, locale, progress=None, log=None) -> Artifact``
is what the job kind, the command and the admin all call.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from publishing.pdf import common

KIND = "catalog"
TEMPLATES = ("pdf/catalog.html", "pdf/_product_block.html")
STYLESHEETS = ("pdf/print.css", "pdf/catalog.css")


def chapter_of(document):
    """(sort key, title) of the chapter a product goes in: its first category's path."""
    categories = document.get("categories") or []
    if not categories:
        return ("\uffff", _("Other products"))
    first = min(categories, key=lambda c: c.get("path") or c.get("name") or "")
    title = first.get("path") or first.get("name") or first.get("code")
    return (title.casefold(), title)


def product_block(document, locale):
    """What the template needs for one product; formatting decided here, not in the template."""
    variants = []
    for variant in document.get("variants") or []:
        variants.append({
            "sku": variant["sku"],
            "axes": ", ".join(str(v) for v in (variant.get("axes") or {}).values()),
            "gtin": variant.get("gtin") or "",
            "price": common.price_text(variant.get("price"), locale),
            "availability": variant.get("availability") or "",
        })
    return {
        "sku": document["sku"],
        "name": document.get("name") or document["sku"],
        "brand": document.get("brand") or "",
        "short_description": document.get("short_description") or "",
        "image": common.image_src(document, max_width=320),
        "image_alt": ((document.get("images") or [{}])[0].get("alt") or document.get("name") or ""),
        "attributes": common.key_attributes(document),
        "variants": variants,
        "price": common.price_text(document.get("price"), locale),
        "gtin": document.get("gtin") or "",
    }


def chapters(rows, locale, reporter=None, total=None):
    """[{"id", "title", "products": [block …]}] sorted by category path, then product name."""
    grouped = {}
    for index, (_sku, _hash, _seq, document) in enumerate(rows, start=1):
        key, title = chapter_of(document)
        grouped.setdefault(key, {"title": title, "products": []})["products"].append(product_block(document, locale))
        if reporter:
            reporter.progress(index, total)
    result = []
    for number, key in enumerate(sorted(grouped), start=1):
        chapter = grouped[key]
        chapter["products"].sort(key=lambda block: (block["name"].casefold(), block["sku"]))
        chapter["id"] = f"chapter-{number}"
        result.append(chapter)
    return result


def render_catalog(channel_code, locale, *, progress=None, log=None):
    """Render (or reuse) the catalog of ``channel_code`` in ``locale``; returns the Artifact."""
    reporter = common.Reporter(progress, log)
    channel = common.get_channel(channel_code)
    common.check_locale(channel, locale)
    rows = common.snapshots(channel, locale)
    steps_total = len(rows) + 2
    stylesheets = [common.static_path(name) for name in STYLESHEETS]
    key = common.inputs_hash(
        KIND, rows=rows, templates=TEMPLATES, stylesheets=stylesheets,
        extra={"channel": channel.code, "name": channel.name, "currency": channel.currency, "locale": locale},
    )
    artifact = common.cached(KIND, key, channel=channel, locale=locale, subject="", reporter=reporter,
                             steps_total=steps_total)
    if artifact is not None:
        return artifact
    reporter.log(_("Rendering the %(channel)s catalog in %(locale)s: %(count)d products.")
                 % {"channel": channel.code, "locale": locale, "count": len(rows)})
    reporter.progress(0, steps_total, _("preparing product blocks"))
    with override(locale):
        parts = chapters(rows, locale, reporter, steps_total)
        version = common.document_version(rows)
        context = {
            "locale": locale,
            "channel": channel,
            "title": _("Product catalog"),
            "chapters": parts,
            "product_count": len(rows),
            "version": version,
            "generated_on": common.generated_on(locale),
            "base_url": settings.PIM_BASE_URL,
        }
    return common.render_to_artifact(
        KIND, key, template=TEMPLATES[0], context=context, stylesheets=stylesheets,
        filename=f"catalog-{channel.code}-{locale}.pdf", channel=channel, locale=locale,
        reporter=reporter, steps_done=len(rows), steps_total=steps_total,
        meta={"products": len(rows), "chapters": len(parts), "version": version},
    )

"""The PDF catalog of one channel in one language: cover, contents, a chapter per category.

``render_catalog(channel_code, locale, progress=None, log=None) -> Artifact``
is what the job kind, the command and the admin all call.
"""

import time
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from publishing.pdf import common, parts
from publishing.pdf import render as pdf_render

KIND = "catalog"
TEMPLATES = (
    "pdf/catalog.html", "pdf/_catalog_head.html", "pdf/_catalog_front.html", "pdf/_catalog_chapter.html",
    "pdf/_product_block.html", "pdf/catalog_front.html", "pdf/catalog_part.html", "pdf/catalog_furniture.html",
)
STYLESHEETS = ("pdf/print.css", "pdf/catalog.css")
MODULES = ("catalog.py", "parts.py")  # the code that lays the catalog out (cache key)


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


def _page_of(anchors, offset):
    """{anchor id: page number} for a part whose first page is ``offset + 1``."""
    found = {}
    for index, names in enumerate(anchors, start=1):
        for name in names:
            found.setdefault(name, offset + index)
    return found


def parts_renderer(context, stylesheets, reporter, *, steps_done, steps_total):
    """A renderer(handle) for common.render_to_artifact that renders the
    catalog in parts (see publishing.pdf.parts) and merges them."""
    chapters = context["chapters"]
    part_lists = parts.split_chapters(chapters, parts.part_size())
    locale = context["locale"]
    base_url = settings.PIM_BASE_URL + "/"

    def front_html(numbers):
        entries = [{**chapter, "start_page": numbers.get(chapter["id"], 0) or 999} for chapter in chapters]
        with override(locale):
            return render_to_string("pdf/catalog_front.html", {**context, "chapters": entries})

    def renderer(handle):
        with override(locale):
            part_htmls = [render_to_string("pdf/catalog_part.html", {**context, "chapters": pieces})
                          for pieces in part_lists]
        sizes = [sum(len(piece["products"]) for piece in pieces) for pieces in part_lists]
        done = {"products": 0}

        def part_done(index):
            done["products"] += sizes[index]
            reporter.progress(steps_done + done["products"], steps_total,
                              _("part %(part)d of %(parts)d laid out") % {"part": index + 1, "parts": len(part_lists)})

        clock = {"last": time.monotonic()}

        def lap(name):
            now = time.monotonic()
            reporter.log(_("%(phase)s took %(seconds).1f s.") % {"phase": name, "seconds": now - clock["last"]})
            clock["last"] = now

        with parts.temp_directory() as directory:
            front_pages = pdf_render.render_pdf(front_html({}), base_url=base_url, stylesheets=stylesheets).pages
            lap("contents")
            rendered = parts.render_parallel(part_htmls, stylesheets, directory, on_done=part_done)
            lap("parts")
            front_path = Path(directory) / "front.pdf"
            for _attempt in range(3):
                numbers, page = {}, front_pages
                for _path, pages, _refused, anchors in rendered:
                    numbers.update(_page_of(anchors, page))
                    page += pages
                with open(front_path, "wb") as front_handle:
                    front = pdf_render.render_pdf(front_html(numbers), base_url=base_url, stylesheets=stylesheets,
                                                  write_to=front_handle)
                if front.pages == front_pages:
                    break
                front_pages = front.pages  # real numbers changed the contents' length: count again
            total = front.pages + sum(r[1] for r in rendered)
            lap("contents with page numbers")
            starts = {numbers[c["id"]]: c["title"] for c in reversed(chapters) if c["id"] in numbers}
            marks = [starts.get(number, "") for number in range(2, total + 1)]
            reporter.progress(steps_total - 1, steps_total, _("merging parts"))
            furniture_path = Path(directory) / "furniture.pdf"
            with open(furniture_path, "wb") as furniture_handle, override(locale):
                pdf_render.render_pdf(
                    render_to_string("pdf/catalog_furniture.html", {**context, "page_marks": marks}),
                    base_url=base_url, stylesheets=stylesheets, write_to=furniture_handle,
                )
            lap("headers and footers")
            pages = parts.merge(front_path, [r[0] for r in rendered], furniture_path, handle)
            lap("merge")
        refused = [item for r in rendered for item in r[2]]
        return pdf_render.RenderResult(pages=pages, refused=refused)

    return renderer, len(part_lists)


def render_catalog(channel_code, locale, *, progress=None, log=None):
    """Render (or reuse) the catalog of ``channel_code`` in ``locale``; returns the Artifact."""
    reporter = common.Reporter(progress, log)
    channel = common.get_channel(channel_code)
    common.check_locale(channel, locale)
    rows = common.snapshots(channel, locale)
    in_parts = len(rows) > parts.part_size()
    # in parts, the products are counted twice: prepared, then laid out
    steps_total = len(rows) * (2 if in_parts else 1) + 2
    stylesheets = [common.static_path(name) for name in STYLESHEETS]
    key = common.inputs_hash(
        KIND, rows=rows, templates=TEMPLATES, stylesheets=stylesheets, locale=locale, modules=MODULES,
        extra={"channel": channel.code, "name": channel.name, "currency": channel.currency, "locale": locale,
               "part_size": parts.part_size() if in_parts else None},
    )
    artifact = common.cached(KIND, key, channel=channel, locale=locale, subject="", reporter=reporter,
                             steps_total=steps_total)
    if artifact is not None:
        return artifact
    reporter.log(_("Rendering the %(channel)s catalog in %(locale)s: %(count)d products.")
                 % {"channel": channel.code, "locale": locale, "count": len(rows)})
    reporter.progress(0, steps_total, _("preparing product blocks"))
    with override(locale):
        chapter_list = chapters(rows, locale, reporter, steps_total)
        version = common.document_version(rows)
        context = {
            "locale": locale,
            "channel": channel,
            "title": _("Product catalog"),
            "chapters": chapter_list,
            "product_count": len(rows),
            "version": version,
            "generated_on": common.generated_on(locale),
            "base_url": settings.PIM_BASE_URL,
        }
    meta = {"products": len(rows), "chapters": len(chapter_list), "version": version, "parts": 1}
    renderer = None
    if in_parts:
        renderer = parts.prepare(parts_renderer, context, stylesheets, reporter, meta, steps_done=len(rows),
                                 steps_total=steps_total)
    return common.render_to_artifact(
        KIND, key, template=TEMPLATES[0], context=context, stylesheets=stylesheets,
        filename=f"catalog-{channel.code}-{locale}.pdf", channel=channel, locale=locale,
        reporter=reporter, steps_done=len(rows), steps_total=steps_total, meta=meta, renderer=renderer,
    )

"""Long catalogs rendered in parts: chapters laid out in parallel processes, then merged with pypdf.

WeasyPrint's time per page and its memory grow with the length of one
document, and one process uses one core. A long catalog is therefore cut
into parts (whole chapters, long chapters in pieces) that child processes
render at the same time, each process ending (and returning its memory)
after its part. Page numbers come out right because nothing that depends
on them is rendered inside a part:

1. the cover and contents are rendered once with placeholder numbers, to
   know how many pages they take;
2. the parts are rendered in parallel without running headers or footers;
3. the contents is rendered again with the real start page of each chapter;
4. a "furniture" document with one empty page per merged page carries the
   running headers and "page X of Y" footers and is laid over each page;
5. pypdf joins everything, keeping each part's bookmarks (chapters, products).

Shelf labels use the same machinery without steps 1, 3 and 4: their sheets
carry no page numbers, so the parts are only joined.
"""

import json
import multiprocessing
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from publishing.pdf import render as pdf_render


def part_size():
    """Products per part; a catalog with more products than this is rendered in parts."""
    return int(getattr(settings, "PIM_PDF_PART_PRODUCTS", 150))


def worker_count():
    return max(1, int(getattr(settings, "PIM_PDF_WORKERS", 0) or os.cpu_count() or 1))


def split_chapters(chapters, size):
    """[[chapter piece, …] per part]: whole chapters packed up to ``size``
    products, a longer chapter cut into pieces (the later ones ``continued``)."""
    pieces = []
    for chapter in chapters:
        products = chapter["products"]
        for start in range(0, max(len(products), 1), size):
            pieces.append({**chapter, "products": products[start:start + size], "continued": start > 0,
                           "id": chapter["id"] if start == 0 else f"{chapter['id']}-{start}"})
    parts, current, count = [], [], 0
    for piece in pieces:
        if current and count + len(piece["products"]) > size:
            parts.append(current)
            current, count = [], 0
        current.append(piece)
        count += len(piece["products"])
    if current:
        parts.append(current)
    return parts


def _release_inherited_database_sockets():
    """A forked child holds copies of the parent's database sockets. It never
    queries, but while it renders, a parent killed meanwhile (a worker's
    SIGKILL) would leave its PostgreSQL session open until the part ends.
    The copies are pointed at /dev/null: the parent's sessions go on, and the
    descriptor numbers stay taken so that nothing in the child reuses them."""
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if connection.vendor != "postgresql" or raw is None or raw.closed:
            continue
        null = os.open(os.devnull, os.O_RDWR)
        try:
            os.dup2(null, raw.fileno())
        finally:
            os.close(null)


def _render_child(html, stylesheets, out_path):
    """Child process: render one part to ``out_path`` and write what the parent needs beside it."""
    try:
        _release_inherited_database_sockets()
        with open(out_path, "wb") as handle:
            result = pdf_render.render_pdf(html, base_url=settings.PIM_BASE_URL + "/",
                                           stylesheets=stylesheets, write_to=handle)
        Path(f"{out_path}.json").write_text(json.dumps(
            {"pages": result.pages, "refused": result.refused, "anchors": result.anchors},
        ))
    except BaseException as error:  # reported to the parent through the side file
        Path(f"{out_path}.json").write_text(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        os._exit(1)


def render_parallel(htmls, stylesheets, directory, *, on_done=None):
    """Render each HTML string to a PDF in its own process, ``worker_count()``
    at a time. Returns [(path, pages, refused, anchors per page)] in order;
    raises on a failure."""
    context = multiprocessing.get_context("fork")
    pending = list(enumerate(htmls))
    running = {}
    results = {}
    while pending or running:
        while pending and len(running) < worker_count():
            index, html = pending.pop(0)
            out_path = os.path.join(directory, f"part-{index:04d}.pdf")
            process = context.Process(target=_render_child, args=(html, stylesheets, out_path), daemon=True)
            process.start()
            running[index] = (process, out_path)
        for index, (process, out_path) in list(running.items()):
            process.join(timeout=0.05)
            if process.is_alive():
                continue
            del running[index]
            side = Path(f"{out_path}.json")
            report = json.loads(side.read_text()) if side.is_file() else {}
            if process.exitcode != 0 or "error" in report:
                for other, _path in running.values():
                    other.terminate()
                raise RuntimeError(f"part {index + 1} failed: {report.get('error') or f'exit code {process.exitcode}'}")
            results[index] = (out_path, report["pages"], [tuple(item) for item in report["refused"]],
                              report["anchors"])
            if on_done:
                on_done(index)
    return [results[index] for index in range(len(htmls))]


def merge(front_path, part_paths, furniture_path, handle):
    """Join front matter and parts (with the bookmarks WeasyPrint made from
    their headings), lay the furniture page over every page but the cover
    (when there is front matter and furniture) and write to ``handle``."""
    writer = PdfWriter()
    for path in [front_path, *part_paths] if front_path else part_paths:
        writer.append(str(path))
    if furniture_path:
        furniture = PdfReader(str(furniture_path))
        if len(furniture.pages) != len(writer.pages):
            raise RuntimeError(f"furniture has {len(furniture.pages)} pages for {len(writer.pages)}")
        for index in range(1, len(writer.pages)):
            writer.pages[index].merge_page(furniture.pages[index])
    # Each part embedded its own copy of shared images: keep one.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.write(handle)
    return len(writer.pages)


def prepare(make_renderer, context, stylesheets, reporter, meta, *, steps_done, steps_total):
    """The renderer(handle) that ``make_renderer`` (a document's
    parts_renderer) returns, its number of parts noted in ``meta`` and logged."""
    renderer, meta["parts"] = make_renderer(context, stylesheets, reporter, steps_done=steps_done,
                                            steps_total=steps_total)
    reporter.log(_("Rendering in %(parts)d parts, %(workers)d at a time.")
                 % {"parts": meta["parts"], "workers": worker_count()})
    return renderer


def temp_directory():
    return tempfile.TemporaryDirectory(prefix="pim-pdf-parts-")


__all__ = ["merge", "part_size", "prepare", "render_parallel", "split_chapters", "temp_directory", "worker_count"]

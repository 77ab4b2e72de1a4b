"""Benchmark of print output: the PDF catalog, a datasheet, shelf labels and the demo brochure.

Usage: .venv/bin/python bench/pdf_bench.py [--products 500] [--locale fi] [--store helsinki-kamppi]
       [--print-products 10000] [--skip-catalog] [--one-piece] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``) with its media folder beside
it, loads and publishes the demo catalog (``load_demo_catalog(products=N,
seed=2026)``, or restores the copy the first run of that size kept:
``_common.published_demo_catalog``), then renders from the ``print`` channel in one language, each document in a
fresh process of its own (after one tiny warm-up render, as a long-running
worker would have done), once from scratch and once more unchanged (the
cached answer: the stored file is reused):

- the datasheet of one product (the first SKU) and the demo brochure
  (8 products) in its print (CMYK, PDF/X-4) and screen variants — in ``ms``,
  as they should not depend on the catalog size;
- the shelf labels of one store and the PDF catalog of the whole channel
  (both cut into parts of about ``PIM_PDF_PART_PRODUCTS`` rendered in
  parallel processes) — in ``s``, totals over the catalog, so that
  ``run_all.py`` adds the cost per product;
- with ``--one-piece``, the same catalog once more in a single WeasyPrint
  pass (a fresh process with ``PIM_PDF_PART_PRODUCTS`` beyond the catalog
  size: no parts, no merge), and the ratio of the two — what rendering in
  parts gains over WeasyPrint's own rate on the same pages.

The print channel is capped at ``--print-products`` (default 10 000): with
a larger catalog, the products after the first 10 000 SKUs (the brochure's
kept) are withdrawn from ``print`` before measuring. A 10 000-product
catalog is about 2 100 pages, 11 minutes of CPU on this machine; at
100 000 the catalog and the labels would take hours on two cores while
adding nothing new: both render in parts of bounded size, so their cost per
product is the same at every size beyond a few parts (``RESULT
products`` says how many were rendered; the cost per product uses it).

Each render is timed in wall seconds and CPU seconds of its process and the
worker processes it started: on a busy shared machine the wall time mostly
measures the scheduler, CPU time is what an idle machine would need. Pages,
file size and peak memory (RSS of the render's process; for the catalog also
its largest part process) are printed too, all as ``RESULT name=value unit``
lines (see bench/README.md). The catalog comes last, so a run stopped while
rendering it has reported the rest. Exits non-zero when a render fails, when
an unchanged second call renders again, or when a document misses published
products.
"""

import json
import os
import sys
import time
from pathlib import Path

from _common import (
    bench_parser,
    cpu_seconds, database_kind, database_url, largest_child_mib, peak_memory_mib, published_demo_catalog,
    reset_peak_memory, result, run_child, scratch_folder, setup_django,
)

CHANNEL = "print"
SEED = 2026
MEASUREMENTS = ("datasheet", "labels", "brochure_print", "brochure_screen", "catalog")
ONE_PIECE = "catalog_one_piece"  # the catalog without parts, after "catalog" (--one-piece)
FLAT = {"datasheet", "brochure_print", "brochure_screen"}  # in ms; the others are totals in s


def say(message, level="info"):
    print(f"  {message}" if level == "info" else f"  {level}: {message}", flush=True)


def timed(render):
    """(artifact, wall seconds, CPU seconds) of one call."""
    cpu, started = cpu_seconds(), time.perf_counter()
    artifact = render()
    return artifact, time.perf_counter() - started, cpu_seconds() - cpu


# --- child processes ------------------------------------------------------------


def load(folder, products, locale, cap):
    """A fresh database holding the published demo catalog, the print
    channel capped at ``cap`` products; notes what the measurements need in
    ``folder/plan.json``."""
    url = database_url(folder)

    def fill():
        from catalog.demo.loader import load_demo_catalog

        load_demo_catalog(products=products, seed=SEED)

    how, seconds = published_demo_catalog(url, folder / "media", products, SEED,
                                          setup=lambda: setup_django(folder), load=fill)
    result("database", database_kind(url))
    from catalog.demo.vocabulary import BROCHURE_CODE
    from catalog.models import Product
    from publishing.models import Brochure, ProductSnapshot
    from publishing.services import unpublish_products

    print(f"demo catalog: {products} products {how} in {seconds:.1f} s", flush=True)
    brochure = Brochure.objects.get(code=BROCHURE_CODE)
    kept = set(brochure.products.values_list("pk", flat=True))
    kept |= set(Product.objects.order_by("sku").values_list("pk", flat=True)[:cap])
    beyond = list(Product.objects.exclude(pk__in=kept))
    if beyond:
        started = time.perf_counter()
        unpublish_products(beyond, CHANNEL)
        from publishing.sequencing import stamp_pending

        stamp_pending()
        print(f"print channel capped at {len(kept)} products ({len(beyond)} withdrawn in "
              f"{time.perf_counter() - started:.1f} s)", flush=True)
    plan = {}
    for code in ProductSnapshot.objects.filter(channel__code=CHANNEL).values_list("locale", flat=True).distinct():
        plan[code] = list(ProductSnapshot.objects.filter(channel__code=CHANNEL, locale=code, deleted=False)
                          .order_by("sku").values_list("sku", flat=True))
    # the products rendered: run_all.py divides totals by this, not by N
    result("products", len(plan.get(locale, [])))
    (folder / "plan.json").write_text(json.dumps({"brochure": brochure.code, "skus": plan}))


def measure(folder, name, locale, store):
    """One document rendered twice in this fresh process; prints its figures."""
    if name == ONE_PIECE:
        os.environ["PIM_PDF_PART_PRODUCTS"] = str(10**9)  # read by the settings: one part, rendered in this process
    setup_django(folder, migrate=False)
    from publishing.pdf import common
    from publishing.pdf.brochure import render_brochure
    from publishing.pdf.catalog import render_catalog
    from publishing.pdf.datasheet import render_datasheet
    from publishing.pdf.labels import render_labels
    from publishing.pdf.render import render_pdf

    plan = json.loads((folder / "plan.json").read_text())
    skus = plan["skus"].get(locale) or []
    if not skus:
        raise SystemExit(f"nothing published on {CHANNEL} in {locale}")
    renders = {
        "datasheet": lambda: render_datasheet(skus[0], locale, channel_code=CHANNEL),
        "labels": lambda: render_labels(store, locale, channel_code=CHANNEL),
        "brochure_print": lambda: render_brochure(plan["brochure"], locale, variant="print"),
        "brochure_screen": lambda: render_brochure(plan["brochure"], locale, variant="screen"),
        # the catalog logs its phases (contents, parts, merge)
        "catalog": lambda: render_catalog(CHANNEL, locale, log=say),
        ONE_PIECE: lambda: render_catalog(CHANNEL, locale, log=say),
    }
    # Fonts and WeasyPrint's first-use costs, paid once per worker process.
    render_pdf("<p>warm-up</p>", stylesheets=[common.static_path("pdf/print.css")])

    reset_peak_memory()
    artifact, seconds, cpu = timed(renders[name])
    peak = peak_memory_mib()
    again, cached, _cpu = timed(renders[name])
    if again.pk != artifact.pk:
        raise SystemExit(f"{name}: an unchanged second call rendered again ({artifact.pk} -> {again.pk})")
    meta = artifact.meta or {}
    pages = meta.get("pages") or 0
    if pages < 1 or not artifact.size_bytes:
        raise SystemExit(f"{name}: empty document ({pages} pages, {artifact.size_bytes} bytes)")
    print(f"{name}: {seconds:.2f} s wall, {cpu:.2f} s CPU, {pages} pages, {artifact.size_bytes / 2**20:.2f} MiB, "
          f"peak RSS {peak:.0f} MiB; unchanged again in {cached:.3f} s", flush=True)
    scale, digits, unit = (1000, 1, "ms") if name in FLAT else (1, 3, "s")
    result(name, round(seconds * scale, digits), unit)
    result(f"{name}_cpu", round(cpu * scale, digits), unit)
    result(f"{name}_cached", round(cached * scale, digits + 1), unit)
    result(f"{name}_pages", pages)
    result(f"{name}_size", round(artifact.size_bytes / 2**20, 3), "MiB")
    result(f"{name}_peak_rss", round(peak), "MiB")

    if name == "labels":
        result("labels_count", meta["labels"])
        if not meta["labels"]:
            raise SystemExit(f"no shelf labels for store {store}")
        print(f"labels: {cpu / meta['labels'] * 1000:.1f} ms CPU per label", flush=True)
    elif name.startswith("brochure_"):
        if meta.get("skipped"):
            raise SystemExit(f"{name}: left out {meta['skipped']}")
        result("brochure_products", meta["products"])
    elif name == "catalog":
        if meta["products"] != len(skus):
            raise SystemExit(f"catalog: {meta['products']} products of {len(skus)} published")
        result("catalog_products", meta["products"])
        result("catalog_parts", meta["parts"])
        # Forked part processes start out sharing this process's pages: their
        # peak is their own memory plus what they inherited.
        result("catalog_part_peak_rss", round(largest_child_mib()), "MiB")
        print(f"catalog: {cpu / meta['products'] * 1000:.1f} ms CPU per product "
              f"({meta['products']} products in {locale})", flush=True)
        (folder / "catalog.json").write_text(json.dumps({"wall": seconds, "cpu": cpu, "pages": pages}))
    elif name == ONE_PIECE:
        if meta["parts"] != 1 or meta["products"] != len(skus):
            raise SystemExit(f"{name}: {meta['parts']} parts, {meta['products']} products of {len(skus)}")
        parts_run = folder / "catalog.json"
        if parts_run.is_file():
            in_parts = json.loads(parts_run.read_text())
            # > 1: the catalog in parts is that many times faster than one WeasyPrint pass
            result("catalog_parts_speedup", round(seconds / in_parts["wall"], 2))
            result("catalog_parts_cpu_ratio", round(in_parts["cpu"] / cpu, 2))
            print(f"one piece: {seconds:.1f} s wall, {cpu:.1f} s CPU, {pages} pages; in parts: "
                  f"{in_parts['wall']:.1f} s wall, {in_parts['cpu']:.1f} s CPU, {in_parts['pages']} pages", flush=True)


# --- the run ----------------------------------------------------------------------


def main():
    parser = bench_parser(__doc__, 500, "Demo catalog size (default 500).")  # --child: load | a measurement
    parser.add_argument("--locale", default="fi", help="Language of the documents (default fi).")
    parser.add_argument("--store", default="helsinki-kamppi", help="Store of the shelf labels.")
    parser.add_argument("--print-products", type=int, default=10_000,
                        help="Products left on the print channel for the catalog and labels (default 10000).")
    parser.add_argument("--skip-catalog", action="store_true",
                        help="Leave out the PDF catalog (the longest render).")
    parser.add_argument("--one-piece", action="store_true",
                        help="Also render the catalog in one WeasyPrint pass and report the ratio to the parts.")
    args = parser.parse_args()
    if args.child == "load":
        load(Path(args.folder), args.products, args.locale, args.print_products)
        return
    if args.child:
        measure(Path(args.folder), args.child, args.locale, args.store)
        return
    script = Path(__file__).resolve()
    names = [name for name in MEASUREMENTS if not (args.skip_catalog and name == "catalog")]
    if args.one_piece and not args.skip_catalog:
        names.append(ONE_PIECE)
    failed = []
    with scratch_folder(args.keep, prefix="pdf-bench-") as folder:
        if run_child(script, "load", folder, "--products", args.products, "--locale", args.locale,
                     "--print-products", args.print_products):
            sys.exit("loading the demo catalog failed")
        for name in names:
            # A failed render is reported; the others still run.
            if run_child(script, name, folder, "--locale", args.locale, "--store", args.store):
                failed.append(name)
    if failed:
        sys.exit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()

"""Benchmark of marketplace exports: time and peak memory per format.

Usage: .venv/bin/python bench/export_bench.py [--products 10000] [--formats google-xml,...] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``) and inserts the snapshots of
one channel and locale directly (bulk_create; every fifth product has three
variants, so items > products). Each export then runs in a fresh process:
wall time, CPU seconds of that process (wall time depends on what else the
machine runs), peak RSS of that process and its growth over the process
before the export, and the peak of Python allocations (tracemalloc, a second
run). Prints ``RESULT name=value unit`` lines (bench/README.md), one set per
format (``google_xml_seconds``, ``_cpu``, ``_peak_rss``, ``_python_peak``). Budget (issue 7): google-xml for 100 000
products in < 60 s, peak < 300 MB, memory flat as the catalog grows.
"""

import sys
import time
from pathlib import Path

from _common import (
    bench_parser,
    cpu_seconds, database_kind, peak_memory_mib, result, run_child, scratch_folder, setup_django,
)

FORMATS = ("google-xml", "google-tsv", "meta-csv", "local-inventory", "csv", "xlsx")


def document(i, locale):
    sku = f"BENCH-{i:06d}"
    base = "http://127.0.0.1:8000"
    doc = {
        "sku": sku, "deleted": False, "locale": locale,
        "name": f"Akkuporakone {i} – Őrült fúró Дрель",
        "short_description": "<p>Kevyt ja tehokas.</p>",
        "description": "<p>" + "Kaksinopeuksinen porakone litiumioniakulla, <b>LED-valo</b>. " * 6 + "</p>",
        "note": "", "claims": [], "brand": "Nordtool", "gtin": None, "mpn": f"ND-{i}",
        "categories": [{"code": "drills", "name": "Porakoneet", "path": "Työkalut > Porakoneet",
                        "google_product_category": "1167"}],
        "url": f"{base}/{locale}/p/porakone-{i}/",
        "price": {"amount": f"{50 + i % 200}.90", "currency": "EUR", "includes_vat": True},
        "availability": "in_stock", "available_from": None, "quantity": i % 40, "weight_grams": 1450,
        "stores": [{"code": f"s{k}", "name": f"Myymälä {k}", "availability": "in_stock", "quantity": k}
                   for k in range(3)],
        "images": [{"url": f"{base}/media/images/{i:06x}-{n}.jpg", "alt": "", "width": 1600, "height": 1200,
                    "role": "main" if n == 0 else "gallery", "renditions": []} for n in range(3)],
        "attributes": [
            {"code": "voltage", "label": "Jännite", "value": 18, "display": "18 V", "unit": "V"},
            {"code": "color", "label": "Väri", "value": "red", "display": "Punainen", "unit": None},
        ],
        "variants": [], "relations": [], "status": "active", "replacement": None, "fallback": [],
        "updated_at": "2026-11-25T00:00:00+00:00",
    }
    if i % 5 == 0:
        doc["variants"] = [{
            "sku": f"{sku}-{size}", "gtin": None, "axes": {"size": size},
            "price": doc["price"], "availability": "in_stock", "quantity": 2, "weight_grams": 1450,
            "stores": doc["stores"], "images": [],
        } for size in ("S", "M", "L")]
    return doc


def populate(start, stop, locale="fi"):
    """Snapshots start..stop-1 (adds to what the database has)."""
    from django.utils import timezone

    from publishing import signals
    from publishing.models import Channel, ChannelLanguage, ProductSnapshot

    with signals.paused():
        channel, created = Channel.objects.get_or_create(
            code="bench", defaults={"name": "Bench", "kind": "marketplace", "feed_label": "FI"},
        )
        if created:
            ChannelLanguage.objects.create(channel=channel, language_code=locale)
    now = timezone.now()
    batch = []
    for i in range(start, stop):
        batch.append(ProductSnapshot(
            channel=channel, sku=f"BENCH-{i:06d}", locale=locale, document=document(i, locale),
            content_hash=str(i), deleted=False, seq=i, pending=False, updated_at=now,
        ))
        if len(batch) >= 5000:
            ProductSnapshot.objects.bulk_create(batch)
            batch = []
    if batch:
        ProductSnapshot.objects.bulk_create(batch)


def rss_mib():
    """RSS of this process now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load(folder, products):
    url = setup_django(folder)
    result("database", database_kind(url))
    started = time.perf_counter()
    populate(1, products + 1)
    print(f"{products} products in the database ({time.perf_counter() - started:.1f} s to insert)", flush=True)


def measure_one(folder, fmt, locale="fi"):
    """In a fresh process: one export, timed, then again under tracemalloc."""
    setup_django(folder, migrate=False)
    import tracemalloc

    from publishing.exports.service import build_export
    from publishing.models import Artifact, Channel

    channel = Channel.objects.prefetch_related("languages").get(code="bench")
    Artifact.objects.filter(kind="export").delete()
    before = rss_mib()
    started, cpu = time.perf_counter(), cpu_seconds()
    artifact = build_export(channel, locale, fmt)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    peak = peak_memory_mib()
    Artifact.objects.filter(kind="export").delete()
    tracemalloc.start()
    build_export(channel, locale, fmt)
    _current, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    meta = artifact.meta
    print(f"  {fmt:16} {seconds:7.2f} s ({cpu:.2f} s CPU)  {meta['items']:7d} items  "
          f"{artifact.size_bytes / 2**20:7.1f} MiB file  peak RSS {peak:6.1f} MiB "
          f"(+{peak - before:.1f} during export)  python peak {traced / 2**20:.2f} MiB", flush=True)
    name = fmt.replace("-", "_")
    result(f"{name}_seconds", round(seconds, 2), "s")
    result(f"{name}_cpu", round(cpu, 2), "s")
    result(f"{name}_peak_rss", round(peak, 1), "MiB")
    result(f"{name}_python_peak", round(traced / 2**20, 2), "MiB")


def main():
    parser = bench_parser(__doc__, 10_000, "Catalog size (default 10000).")  # --child: load | a format
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    if args.child == "load":
        load(Path(args.folder), args.products)
        return
    if args.child:
        measure_one(Path(args.folder), args.child)
        return
    formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown formats: {', '.join(unknown)}")
    script, failed = Path(__file__).resolve(), []
    with scratch_folder(args.keep, prefix="export-bench-") as folder:
        if run_child(script, "load", folder, "--products", args.products):
            sys.exit("inserting the snapshots failed")
        for fmt in formats:
            if run_child(script, fmt, folder):  # a failed format is reported; the others still run
                failed.append(fmt)
    if failed:
        sys.exit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()

"""Benchmark of marketplace exports: time and peak memory per format and catalog size.

Usage: .venv/bin/python bench/export_bench.py [--sizes 1000,10000] [--formats google-xml,...] [--keep DIR]

Builds a throwaway SQLite database and inserts the snapshots of one channel
and locale directly (bulk_create; every fifth product has three variants, so
items > products). Each export is then run in a fresh process: wall time,
peak RSS of that process (and its growth over the process before the
export), and the peak of Python allocations (tracemalloc, a second run).
Wall time depends on what else the machine runs; CPU seconds of the export
process are printed beside it. Budget (issue 7): google-xml for 100 000 products in < 60 s, peak < 300 MB,
memory flat as the catalog grows.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("google-xml", "google-tsv", "meta-csv", "local-inventory", "csv", "xlsx")


def setup_django(folder, migrate=False):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PIM_MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("PIM_SECRET_KEY", "bench-only-secret-key")
    os.environ["PIM_TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


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


def memory_mb(field):
    """VmRSS (now) or VmHWM (peak) of this process in MB. Not ru_maxrss:
    Linux carries that over from the parent across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_one(folder, fmt, locale="fi"):
    """Runs in its own process: one export, timed, then again under tracemalloc."""
    setup_django(folder)
    import tracemalloc

    from publishing.exports.service import build_export
    from publishing.models import Artifact, Channel

    channel = Channel.objects.prefetch_related("languages").get(code="bench")
    Artifact.objects.filter(kind="export").delete()
    before = memory_mb("VmRSS")
    started, cpu_started = time.perf_counter(), time.process_time()
    artifact = build_export(channel, locale, fmt)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_rss = memory_mb("VmHWM")
    Artifact.objects.filter(kind="export").delete()
    tracemalloc.start()
    build_export(channel, locale, fmt)
    _current, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "format": fmt, "products": artifact.meta["products"], "items": artifact.meta["items"],
        "rows": artifact.meta["rows"], "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "bytes": artifact.size_bytes,
        "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_rss, 1),
        "rss_growth_mb": round(peak_rss - before, 1), "python_peak_mb": round(traced / 2**20, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="Comma list of catalog sizes, ascending.")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", help="Folder for the database (default: a temporary one, removed after).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON only.")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child process: FORMAT
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_one(Path(args.folder), args.measure)))
        return
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        setup_django(folder, migrate=True)
        have = 1
        for size in sizes:
            started = time.perf_counter()
            populate(have, size + 1)
            have = size + 1
            if not args.json:
                print(f"{size} products in the database ({time.perf_counter() - started:.1f} s to insert)")
            for fmt in formats:
                output = subprocess.run(
                    [sys.executable, __file__, "--measure", fmt, "--folder", str(folder)],
                    check=True, capture_output=True, text=True,
                ).stdout.strip().splitlines()[-1]
                figures = json.loads(output)
                results.append(figures)
                if not args.json:
                    print(f"  {fmt:16} {figures['seconds']:7.2f} s ({figures['cpu_seconds']:.2f} s CPU)  "
                          f"{figures['items']:7d} items  "
                          f"{figures['bytes'] / 2**20:7.1f} MiB file  peak RSS {figures['peak_rss_mb']:6.1f} MB "
                          f"(+{figures['rss_growth_mb']:.1f} during export)  "
                          f"python peak {figures['python_peak_mb']:.2f} MB")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()

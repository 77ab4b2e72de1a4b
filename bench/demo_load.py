"""Benchmark of the demo catalog loader: products per second, phase by phase.

Usage: .venv/bin/python bench/demo_load.py [--products 10000] [--seed S] [--no-publish] [--keep DIR]

Loads the demo catalog into a throwaway database (a SQLite file in a
temporary folder, or the empty database in ``PIM_BENCH_DATABASE_URL``) with
its media folder beside it, in a fresh process, calling
``catalog.demo.loader.load_demo_catalog`` exactly as the command does, and
prints the time of each phase (catalog rows, renditions, search text,
publishing on the four channels), the overall products/s and the CPU
seconds as ``RESULT name=value unit`` lines (bench/README.md).
"""

import os
import sys
import time
from pathlib import Path

from _common import bench_parser, cpu_seconds, database_kind, result, run_child, scratch_folder, setup_django


def load(folder, products, seed, publish):
    """In the child process: migrate a fresh database, load, report."""
    started = time.perf_counter()
    url = setup_django(folder)
    migrate_seconds = time.perf_counter() - started
    result("database", database_kind(url))

    from catalog.demo.loader import load_demo_catalog
    from publishing.models import ProductSnapshot

    def progress(message):
        print(f"  [{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    cpu = cpu_seconds()
    load_before = os.getloadavg()[0]
    loaded = load_demo_catalog(products=products, seed=seed, publish=publish, progress=progress)
    cpu = cpu_seconds() - cpu
    timings = loaded["timings"]
    documents = ProductSnapshot.objects.filter(deleted=False).count()
    print(f"N={products}: {products / timings['total']:.1f} products/s overall "
          f"({products / timings['catalog']:.1f} products/s for the catalog rows); "
          f"catalog {timings['catalog']} s, renditions {timings['renditions']} s, "
          f"search {timings['search']} s, publish {timings['publish']} s, total {timings['total']} s "
          f"(CPU {cpu:.1f} s, load average {load_before:.1f}); {documents} documents published", flush=True)
    result("migrate", round(migrate_seconds, 2))  # fixed cost, not per product: no unit
    for phase, seconds in timings.items():
        result(phase, seconds, "s")
    result("cpu", round(cpu, 1), "s")
    result("catalog_rate", round(products / timings["catalog"], 1), "products/s")
    result("rate", round(products / timings["total"], 1), "products/s")
    result("variants", loaded["variants"])
    result("documents", documents)


def main():
    parser = bench_parser(__doc__, 10_000, "Products to load (default 10000).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-publish", action="store_true", help="catalog rows and completeness only")
    args = parser.parse_args()
    if args.child:
        load(args.folder, args.products, args.seed, not args.no_publish)
        return
    print(f"Loading {args.products} demo products …", flush=True)
    extra = ["--no-publish"] if args.no_publish else []
    with scratch_folder(args.keep, prefix="demo-bench-") as folder:
        # A fresh process: the load's memory and CPU are its own.
        status = run_child(Path(__file__).resolve(), "load", folder, "--products", args.products,
                           "--seed", args.seed, *extra)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()

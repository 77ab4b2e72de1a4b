"""Benchmark of the demo catalog loader: products per second, phase by phase.

Usage: .venv/bin/python bench/demo_load.py [N …] [--seed S] [--no-publish] [--keep DIR]
       (default N: 1000 10000)

Each N runs in its own process against a fresh throwaway SQLite database and
media folder (or the database in DATABASE_URL with --database-url), calls
``catalog.demo.loader.load_demo_catalog`` exactly as the command does and
prints the time of each phase (catalog rows, renditions, search text,
publishing on the four channels) and the overall products/s, then one JSON
line per run for scripts.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_one(products, seed, publish, folder, database_url=None):
    """In a child process: migrate a fresh database, load, report."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PIM_MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("PIM_SECRET_KEY", "bench-only-secret-key")
    os.environ["PIM_TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started

    from catalog.demo.loader import load_demo_catalog
    from publishing.models import ProductSnapshot

    def progress(message):
        print(f"  [{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    cpu = time.process_time()
    load_before = os.getloadavg()[0]
    result = load_demo_catalog(products=products, seed=seed, publish=publish, progress=progress)
    cpu = time.process_time() - cpu
    timings = result["timings"]
    snapshots = ProductSnapshot.objects.filter(deleted=False).count()
    report = {
        "products": products,
        "variants": result["variants"],
        "documents": snapshots,
        "migrate_s": round(migrate_seconds, 2),
        **{f"{phase}_s": seconds for phase, seconds in timings.items()},
        "catalog_products_per_s": round(products / timings["catalog"], 1),
        "products_per_s": round(products / timings["total"], 1),
        # Wall time depends on what else runs on the machine; CPU time less so.
        "cpu_s": round(cpu, 1),
        "load_average": round(load_before, 1),
    }
    print(f"N={products}: {report['products_per_s']} products/s overall "
          f"({report['catalog_products_per_s']} products/s for the catalog rows); "
          f"catalog {timings['catalog']} s, renditions {timings['renditions']} s, "
          f"search {timings['search']} s, publish {timings['publish']} s, total {timings['total']} s "
          f"(CPU {report['cpu_s']} s, load average {report['load_average']}); "
          f"{snapshots} documents published", flush=True)
    print("RESULT " + json.dumps(report), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000], help="product counts to load")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-publish", action="store_true", help="catalog rows and completeness only")
    parser.add_argument("--keep", type=Path, help="keep the databases and media under this folder")
    parser.add_argument("--database-url", help="load into this (empty, migratable) database instead")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        run_one(args.child, args.seed, not args.no_publish, args.folder, args.database_url)
        return
    results = []
    for count in args.counts:
        base = args.keep or Path(tempfile.mkdtemp(prefix="pim-demo-bench-"))
        folder = base / f"n{count}"
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, __file__, "--child", str(count), "--folder", str(folder), "--seed", str(args.seed)]
        if args.no_publish:
            command.append("--no-publish")
        if args.database_url:
            command += ["--database-url", args.database_url]
        print(f"Loading {count} demo products …", flush=True)
        try:
            completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
        sys.stdout.write("".join(line + "\n" for line in completed.stdout.splitlines()
                                 if not line.startswith("RESULT ")))
        if completed.returncode:
            sys.stderr.write(completed.stderr)
            sys.exit(completed.returncode)
        results += [json.loads(line[7:]) for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    print()
    print(f"{'products':>9} {'catalog s':>10} {'renditions s':>13} {'publish s':>10} {'total s':>9} "
          f"{'CPU s':>7} {'products/s':>11}")
    for row in results:
        print(f"{row['products']:>9} {row['catalog_s']:>10} {row['renditions_s']:>13} {row['publish_s']:>10} "
              f"{row['total_s']:>9} {row['cpu_s']:>7} {row['products_per_s']:>11}")


if __name__ == "__main__":
    main()

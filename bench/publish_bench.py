"""Benchmark of publishing: a first publish of every channel and language, an unchanged republish, and republishing after an edit of 1 % of the products.

Usage: .venv/bin/python bench/publish_bench.py [--products 10000] [--builders 0] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``) and loads the demo catalog
without publishing it (``load_demo_catalog(products=N, publish=False)``:
channels ``web``, ``app`` and ``print`` in five languages and ``google-fi``
in Finnish). Then, each in a fresh process of its own:

- ``first``: ``publish_channels`` on every channel (one pass over the
  products; ``--builders N`` adds N worker processes that build documents
  ahead, as the demo loader does) — completeness assessed
  and stored, every document built, written and stamped with its feed
  number; the issue's budget is "100 000 products × 5 languages in
  minutes";
- ``unchanged``: the same again; nothing may be written and no feed cursor
  may move;
- ``sweep``: the Finnish name of every hundredth product is changed behind
  the signals' back, then ``publish_due()`` (what ``manage.py publish``
  runs) reconciles every publication of every channel and must rewrite
  exactly the changed documents;
- ``refresh``: the English name of every hundredth product (others than
  before) is saved row by row in one transaction, as a bulk edit would; the
  commit's refresh (publishing/signals.py) republishes them and the products
  that show them.

Each step prints its wall and CPU seconds (CPU of the process and of any
worker processes: on a busy shared machine wall time mostly measures the
scheduler), documents written, the rate and the peak memory of its process,
as ``RESULT name=value unit`` lines (bench/README.md). Exits non-zero when a
step fails its check.
"""

import sys
import time
from pathlib import Path

from _common import (
    bench_parser,
    cpu_seconds, database_kind, peak_memory_mib, reset_peak_memory, run_child, scratch_folder, setup_django,
)

STEPS = ("first", "unchanged", "sweep", "refresh")
EDIT_EVERY = 100  # 1 % of the products


def result(name, value, unit=""):
    print(f"RESULT {name}={value} {unit}".rstrip(), flush=True)


def fail(message):
    raise SystemExit(f"publish_bench: {message}")


def feed_tops():
    from publishing.models import ChannelSequence

    return dict(ChannelSequence.objects.values_list("channel_id", "last_seq"))


def documents():
    from publishing.models import ProductSnapshot

    return ProductSnapshot.objects.filter(deleted=False).count()


def edited_ids(offset):
    """Every hundredth product, starting at ``offset``."""
    from catalog.models import Product

    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    return ids[offset::EDIT_EVERY]


def rename_behind_the_signals(ids):
    """Append a word to the Finnish name of ``ids`` with one UPDATE (no signals)."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from catalog.models import Product

    return Product._parler_meta.root_model.objects.filter(master_id__in=ids, language_code="fi").update(
        name=Concat(F("name"), Value(" (uusi)")),
    )


def report(step, seconds, cpu, written, products):
    peak = peak_memory_mib()
    print(f"{step}: {seconds:.1f} s wall, {cpu:.1f} s CPU, {written} documents written, {products} products, "
          f"peak RSS {peak:.0f} MiB", flush=True)
    result(f"{step}_seconds", round(seconds, 2), "s")
    result(f"{step}_cpu", round(cpu, 2), "s")
    result(f"{step}_documents", written)
    if step == "first":  # a rate only where every document is written
        result("first_rate", round(written / seconds), "documents/s")
        result("first_cpu_rate", round(written / cpu), "documents/s")
    result(f"{step}_peak_rss", round(peak), "MiB")


# --- child processes ------------------------------------------------------------

def load(folder, products):
    url = setup_django(folder)
    result("database", database_kind(url))
    from catalog.demo.loader import load_demo_catalog

    started = time.perf_counter()
    loaded = load_demo_catalog(products=products, publish=False)
    print(f"demo catalog: {loaded['products']} products loaded (not published) in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def measure(folder, step, products, builders=0):
    setup_django(folder, migrate=False)
    from publishing.models import Channel, ProductSnapshot
    from publishing.services import publish_channels, publish_due

    channels = list(Channel.objects.filter(is_active=True).select_related("price_list").order_by("code"))
    languages = sum(channel.languages.count() for channel in channels)
    before_tops, before_docs = feed_tops(), documents()
    reset_peak_memory()

    if step in ("first", "unchanged"):
        cpu, started = cpu_seconds(), time.perf_counter()
        summaries = list(publish_channels(channels, builders=builders if step == "first" else 0).values())
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        written = sum(summary["documents_written"] for summary in summaries)
        for summary in summaries:
            print(f"  {summary['channel']}: {summary['published']} published, {summary['unchanged']} unchanged, "
                  f"{summary['refused']} refused, {summary['documents_written']} documents", flush=True)
        if step == "first":
            result("channels", len(channels))
            result("channel_languages", languages)
            if written != documents() or not written:
                fail(f"first publish wrote {written} documents, {documents()} are live")
            if ProductSnapshot.objects.filter(pending=True).exists():
                fail("snapshots left without a feed number")
        elif written or feed_tops() != before_tops:
            fail(f"an unchanged republish wrote {written} documents or moved a cursor")
        report(step, seconds, cpu, written, products)
        return

    from django.utils import timezone

    from publishing import signals

    since = timezone.now()
    if step == "sweep":
        ids = edited_ids(0)
        rename_behind_the_signals(ids)
        cpu, started = cpu_seconds(), time.perf_counter()
        results = publish_due()
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        written = sum(summary["documents_written"] for summary in results.values())
    else:  # refresh: the editor's path, the signals refresh on commit
        from django.db import transaction

        from catalog.models import Product

        ids = edited_ids(EDIT_EVERY // 2)
        rows = list(Product._parler_meta.root_model.objects.filter(master_id__in=ids, language_code="en"))
        cpu, started = cpu_seconds(), time.perf_counter()
        with transaction.atomic():
            for row in rows:  # saved one by one, so each row's signals fire
                row.name += " (new)"
                row.save(update_fields=["name"])
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        written = sum(top - before_tops.get(pk, 0) for pk, top in feed_tops().items())
    # Only documents of edited products may change, and of those that show them.
    changed = set(ProductSnapshot.objects.filter(updated_at__gte=since).values_list("product_id", flat=True))
    if not written or not changed or not changed <= set(ids) | signals._referencing(ids):
        fail(f"{step}: {written} documents of {len(changed)} products written for {len(ids)} edited products")
    if documents() != before_docs:
        fail(f"{step}: live documents went from {before_docs} to {documents()}")
    result(f"{step}_edited_products", len(ids))
    report(step, seconds, cpu, written, products)


# --- the run ----------------------------------------------------------------------

def main():
    parser = bench_parser(__doc__, 10_000, "Demo catalog size (default 10 000).")  # --child: load | a step
    parser.add_argument("--builders", type=int, default=0,
                        help="Worker processes building documents in the first publish (default 0).")
    args = parser.parse_args()
    if args.child == "load":
        load(Path(args.folder), args.products)
        return
    if args.child:
        measure(Path(args.folder), args.child, args.products, args.builders)
        return
    script = Path(__file__).resolve()
    with scratch_folder(args.keep, prefix="publish-bench-") as folder:
        if run_child(script, "load", folder, "--products", args.products):
            sys.exit("loading the demo catalog failed")
        for step in STEPS:
            # Each step builds on the one before: stop at the first failure.
            if run_child(script, step, folder, "--products", args.products, "--builders", args.builders):
                sys.exit(f"step {step} failed")


if __name__ == "__main__":
    main()

"""Benchmark of the web channel's pages: product page, listing, search, sitemap.

Usage: .venv/bin/python bench/web_bench.py [--products 10000] [--locale ru] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``) with the `web` channel's
snapshots in one locale (the feed benchmark's document shape, ~2 KB each)
and measures in-process with Django's test client through the project's
own URL map (pim.urls): product page p50/p95 at random SKUs, the first
listing page with a cold and a warm document index and right after ten
products were republished (the index brought up to date, not rebuilt), a
search, and /sitemap.xml. Prints ``RESULT name=value unit`` lines (bench/README.md).
"""

import argparse
import random
import statistics
import time

from _common import database_kind, percentile, result, scratch_folder, setup_django
from feed_bench import document  # the same document shape as the feed


def populate(products, locale):
    from django.utils import timezone

    from publishing import signals
    from publishing.models import Channel, ChannelLanguage, ChannelSequence, ProductSnapshot

    with signals.paused():
        channel = Channel.objects.create(code="web", name="Web")
        ChannelLanguage.objects.create(channel=channel, language_code=locale)
    now = timezone.now()
    batch = []
    for i in range(1, products + 1):
        doc = document(i, locale, now)
        batch.append(ProductSnapshot(channel=channel, sku=doc["sku"], locale=locale, document=doc,
                                     content_hash=str(i), seq=i, pending=False, updated_at=now))
        if len(batch) >= 5000:
            ProductSnapshot.objects.bulk_create(batch)
            batch = []
    ProductSnapshot.objects.bulk_create(batch)
    ChannelSequence.objects.create(channel=channel, last_seq=products)
    return channel


def timed(client, url, params=None):
    t0 = time.perf_counter()
    response = client.get(url, params or {})
    elapsed = time.perf_counter() - t0
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def timed_after_publish(client, locale, products, round_, count=10):
    """The listing right after ``count`` products were republished (new
    documents, new feed numbers, as stamping leaves them): what the first
    visitor after a publish waits for."""
    from django.db.models import F
    from django.utils import timezone

    from publishing.models import ChannelSequence, ProductSnapshot

    top = ChannelSequence.objects.get().last_seq
    now = timezone.now()
    for offset, i in enumerate(random.Random(round_).sample(range(1, products + 1), count), start=1):
        doc = document(i, locale, now)
        doc["name"] += f" v{round_}"
        ProductSnapshot.objects.filter(sku=doc["sku"], locale=locale).update(
            document=doc, content_hash=f"{i}-{round_}", seq=top + offset, updated_at=now)
    ChannelSequence.objects.update(last_seq=F("last_seq") + count)
    return timed(client, f"/{locale}/c/drills/")


def measure(products, locale, samples=40):
    from django.test import Client

    from publishing.web import pages

    client = Client()
    rng = random.Random(7)
    product_times = [
        timed(client, f"/{locale}/p/drill-{rng.randrange(1, products + 1)}/") for _ in range(samples)
    ]
    pages.clear_cache()
    listing_cold = timed(client, f"/{locale}/c/drills/")
    listing_warm = statistics.median(timed(client, f"/{locale}/c/drills/", {"sort": "price", "page": 3})
                                     for _ in range(10))
    search = statistics.median(timed(client, f"/{locale}/search/", {"q": "ŐRÜLT 77"}) for _ in range(10))
    after_publish = statistics.median(timed_after_publish(client, locale, products, round_) for round_ in range(5))
    sitemap = timed(client, "/sitemap.xml")
    return {
        "product_p50": statistics.median(product_times),
        "product_p95": percentile(product_times, 0.95),
        "listing_cold": listing_cold,
        "listing_warm": listing_warm,
        "search_warm": search,
        "listing_after_publish": after_publish,
        "sitemap": sitemap,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--locale", default="ru")
    parser.add_argument("--keep", help="Folder for the database (default: a temporary one).")
    args = parser.parse_args()
    with scratch_folder(args.keep, prefix="web-bench-") as folder:
        url = setup_django(folder)
        result("database", database_kind(url))
        populate(args.products, args.locale)
        figures = measure(args.products, args.locale)
    for name, seconds in figures.items():
        result(name, round(seconds * 1000, 1), "ms")


if __name__ == "__main__":
    main()

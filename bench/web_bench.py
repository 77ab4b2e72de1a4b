"""Benchmark of the web channel's pages: product page, listing, search, sitemap.

Usage: .venv/bin/python bench/web_bench.py [--products 10000] [--keep DIR]

Builds a throwaway SQLite database with the `web` channel's snapshots in one
locale (the feed benchmark's document shape, ~2 KB each) and measures
in-process with Django's test client: product page p50/p95 at random SKUs,
the first listing page with a cold and a warm document index, a search, and
/sitemap.xml.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feed_bench import document, setup_django  # noqa: E402  (same document shape as the feed)


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
    sitemap = timed(client, "/sitemap.xml")

    def ms(value):
        return round(value * 1000, 1)

    return {
        "products": products,
        "product_p50_ms": ms(statistics.median(product_times)),
        "product_p95_ms": ms(sorted(product_times)[int(0.95 * len(product_times))]),
        "listing_cold_ms": ms(listing_cold),
        "listing_warm_ms": ms(listing_warm),
        "search_warm_ms": ms(search),
        "sitemap_ms": ms(sitemap),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--locale", default="ru")
    parser.add_argument("--keep", help="Folder for the database (default: a temporary one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="web-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        setup_django(folder)
        from django.conf import settings

        settings.ROOT_URLCONF = "tests.web.urls"  # the web URLs as the project mounts them
        populate(args.products, args.locale)
        print(json.dumps(measure(args.products, args.locale), indent=1))


if __name__ == "__main__":
    main()

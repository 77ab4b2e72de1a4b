"""Benchmark of the channel feed: 500-item page latency and full-sync rate.

Usage: .venv/bin/python bench/feed_bench.py [--products 100000] [--locales ru,en] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``), inserts the snapshots of one
channel directly (bulk_create, documents shaped like real ones, ~2 KB each)
and measures in-process with Django's test client: the median and p95
latency of a page of 500 items (fewer when the catalog is smaller) at random
cursor positions, and the rate of a full sync paged with the maximum page
size. Prints ``RESULT name=value unit`` lines (bench/README.md). Targets:
< 50 ms per 500-item page, ≥ 20 000 products/s.
"""

import argparse
import gc
import json
import random
import statistics
import time

from _common import cpu_seconds, database_kind, percentile, result, scratch_folder, setup_django

PAGE = 500


def document(i, locale, now):
    sku = f"BENCH-{i:06d}"
    return {
        "sku": sku, "deleted": False, "locale": locale,
        "name": f"Аккумуляторная дрель {i} — Őrült fúró",
        "short_description": "<p>Лёгкая и мощная. Kevyt ja tehokas.</p>",
        "description": "<p>" + "Двухскоростная дрель с литий-ионным аккумулятором. " * 4 + "</p>",
        "note": "", "claims": ["2 vuoden takuu"], "brand": "Nordtool", "gtin": f"64{i:011d}", "mpn": None,
        "categories": [{"code": "drills", "name": "Дрели", "path": "Инструменты > Дрели"}],
        "url": f"http://127.0.0.1:8000/{locale}/p/drill-{i}/",
        "price": {"amount": f"{50 + i % 200}.90", "currency": "EUR", "includes_vat": True},
        "availability": "in_stock", "available_from": None, "quantity": i % 40,
        "stores": [{"code": f"s{k}", "name": f"Магазин {k}", "availability": "in_stock", "quantity": k}
                   for k in range(3)],
        "images": [{
            "url": f"http://127.0.0.1:8000/media/images/{i:06x}.jpg", "alt": "Дрель", "width": 1600,
            "height": 1200, "role": "main",
            "renditions": [{"url": f"http://127.0.0.1:8000/media/r/{i:06x}-{w}.webp", "width": w, "format": "webp"}
                           for w in (320, 640, 1280)],
        }],
        "attributes": [
            {"code": "voltage", "label": "Напряжение", "value": 18, "display": "18 В", "unit": "V"},
            {"code": "weight", "label": "Вес", "value": 1.4, "display": "1,4 кг", "unit": "kg"},
            {"code": "colour", "label": "Цвет", "value": "red", "display": "красный", "unit": None},
        ],
        "variants": [], "relations": [], "status": "active", "replacement": None, "fallback": [],
        "updated_at": now.isoformat(),
    }


def populate(products, locales=("ru",)):
    from django.utils import timezone

    from publishing import signals
    from publishing.models import Channel, ChannelLanguage, ChannelSequence, ChannelToken, ProductSnapshot

    with signals.paused():
        channel = Channel.objects.create(code="bench", name="Bench", rate_limit="1000000/s")
        for locale in locales:
            ChannelLanguage.objects.create(channel=channel, language_code=locale)
    now = timezone.now()
    started = time.perf_counter()
    batch, seq = [], 0
    # Languages interleaved per product, as publishing stamps them.
    for i in range(1, products + 1):
        for locale in locales:
            seq += 1
            doc = document(i, locale, now)
            batch.append(ProductSnapshot(
                channel=channel, sku=doc["sku"], locale=locale, document=doc, content_hash=str(i),
                deleted=False, seq=seq, pending=False, updated_at=now,
            ))
        if len(batch) >= 5000:
            ProductSnapshot.objects.bulk_create(batch)
            batch = []
    if batch:
        ProductSnapshot.objects.bulk_create(batch)
    ChannelSequence.objects.create(channel=channel, last_seq=seq)
    _token, raw = ChannelToken.issue(channel)
    return channel, raw, time.perf_counter() - started


def measure(channel, raw, products, locale="ru", samples=40):
    from django.test import Client

    from publishing.feed import cursor as cursors

    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    url = f"/api/v1/channels/{channel.code}/products/"
    rng = random.Random(7)
    page_size = min(PAGE, products)
    # Random positions over the whole sequence, leaving a full page after each.
    span = max(channel.sequence.last_seq - page_size * channel.languages.count(), 1)

    def page(params, **headers):
        t0 = time.perf_counter()
        response = client.get(url, params, **headers)
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.content[:200]
        return elapsed, response

    def random_since():
        return cursors.encode(cursors.Cursor(channel.pk, locale, rng.randrange(0, span)))

    page({"locale": locale, "limit": page_size})  # warm-up
    timings, sizes = [], []
    for _ in range(samples):
        elapsed, response = page({"locale": locale, "limit": page_size, "since": random_since()})
        timings.append(elapsed)
        sizes.append(len(response.content))
        assert len(json.loads(response.content)["results"]) == page_size
    gz_timings = [
        page({"locale": locale, "limit": page_size, "since": random_since()}, HTTP_ACCEPT_ENCODING="gzip")[0]
        for _ in range(samples // 2)
    ]

    # Client and server share this process only here: freeze what the set-up
    # left (Django, the inserted rows) so the client's garbage collections
    # while decoding pages do not walk the server's objects as well.
    gc.collect()
    gc.freeze()
    t0, cpu = time.perf_counter(), cpu_seconds()
    received, since, pages, serving = 0, None, 0, 0.0
    while True:
        params = {"locale": locale, "limit": 1000}
        if since:
            params["since"] = since
        elapsed, response = page(params)
        serving += elapsed
        data = json.loads(response.content)  # a client has to parse, too
        received += len(data["results"])
        pages += 1
        since = data["next_cursor"]
        if not data["has_more"]:
            break
    full_sync, full_sync_cpu = time.perf_counter() - t0, cpu_seconds() - cpu
    assert received == products, (received, products)
    return {
        "page_size": page_size,
        "page_p50": round(statistics.median(timings) * 1000, 1),
        "page_p95": round(percentile(timings, 0.95) * 1000, 1),
        "page_bytes": int(statistics.median(sizes)),
        "page_gzip_p50": round(statistics.median(gz_timings) * 1000, 1),
        "full_sync": round(full_sync, 2),
        "full_sync_cpu": round(full_sync_cpu, 2),
        "full_sync_pages": pages,
        "full_sync_rate": int(products / full_sync),
        "full_sync_server_rate": int(products / serving),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--locales", default="ru",
                        help="Comma list of locales to insert (measured on the first), e.g. ru,en,fi,hu,bg.")
    parser.add_argument("--keep", help="Folder for the database (default: a temporary one, removed after).")
    args = parser.parse_args()
    if args.products < 1:
        parser.error("--products must be at least 1")
    locales = tuple(code.strip() for code in args.locales.split(",") if code.strip())
    with scratch_folder(args.keep, prefix="feed-bench-") as folder:
        url = setup_django(folder)
        result("database", database_kind(url))
        channel, raw, insert_seconds = populate(args.products, locales)
        print(f"snapshots inserted: {args.products} products × {len(locales)} locales in {insert_seconds:.1f} s",
              flush=True)
        figures = measure(channel, raw, args.products, locale=locales[0])
    size = figures["page_size"]
    print(f"{size}-item page: p50 {figures['page_p50']} ms, p95 {figures['page_p95']} ms "
          f"({figures['page_bytes'] // 1024} KiB; gzip p50 {figures['page_gzip_p50']} ms)  target < 50 ms")
    print(f"full sync: {figures['full_sync_rate']} products/s ({figures['full_sync_pages']} pages of 1000 in "
          f"{figures['full_sync']} s, {figures['full_sync_cpu']} s CPU, client parsing included; "
          f"serving alone {figures['full_sync_server_rate']}/s)  target ≥ 20000/s")
    result("insert", round(insert_seconds, 2), "s")
    result("page_items", size)
    result("page_p50", figures["page_p50"], "ms")
    result("page_p95", figures["page_p95"], "ms")
    result("page_gzip_p50", figures["page_gzip_p50"], "ms")
    result("page_size", round(figures["page_bytes"] / 2**10), "KiB")
    result("full_sync", figures["full_sync"], "s")
    result("full_sync_cpu", figures["full_sync_cpu"], "s")
    result("full_sync_rate", figures["full_sync_rate"], "products/s")
    result("full_sync_server_rate", figures["full_sync_server_rate"], "products/s")


if __name__ == "__main__":
    main()

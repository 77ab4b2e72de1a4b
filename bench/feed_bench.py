"""Benchmark of the channel feed: 500-item page latency and full-sync rate.

Usage: .venv/bin/python bench/feed_bench.py [--products 100000] [--keep DIR]

Builds a throwaway SQLite database, inserts the snapshots of one channel and
locale directly (bulk_create, documents shaped like real ones, ~2 KB each)
and measures in-process with Django's test client: the median and p95
latency of a 500-item page at random cursor positions, and the rate of a full
sync paged with the maximum page size. Targets: < 50 ms per 500-item page,
≥ 20 000 products/s.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup_django(folder):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("PIM_SECRET_KEY", "bench-only-secret-key")
    os.environ["PIM_TASKS_BACKEND"] = "immediate"
    os.environ["PIM_TESTING"] = "1"  # lets the test client's host in
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
    # Random positions over the whole sequence, leaving a full page after each.
    span = max(channel.sequence.last_seq - 500 * channel.languages.count(), 1)

    def page(params, **headers):
        t0 = time.perf_counter()
        response = client.get(url, params, **headers)
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.content[:200]
        return elapsed, response

    page({"locale": locale, "limit": 500})  # warm-up
    timings, sizes = [], []
    for _ in range(samples):
        position = rng.randrange(0, span)
        since = cursors.encode(cursors.Cursor(channel.pk, locale, position))
        elapsed, response = page({"locale": locale, "limit": 500, "since": since})
        timings.append(elapsed)
        sizes.append(len(response.content))
        assert len(json.loads(response.content)["results"]) == 500
    gz_timings = []
    for _ in range(samples // 2):
        position = rng.randrange(0, span)
        since = cursors.encode(cursors.Cursor(channel.pk, locale, position))
        elapsed, _response = page({"locale": locale, "limit": 500, "since": since}, HTTP_ACCEPT_ENCODING="gzip")
        gz_timings.append(elapsed)

    t0 = time.perf_counter()
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
    full_sync = time.perf_counter() - t0
    assert received == products, (received, products)

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))]

    return {
        "products": products,
        "page500_p50_ms": round(statistics.median(timings) * 1000, 1),
        "page500_p95_ms": round(pct(timings, 0.95) * 1000, 1),
        "page500_bytes": int(statistics.median(sizes)),
        "page500_gzip_p50_ms": round(statistics.median(gz_timings) * 1000, 1),
        "full_sync_seconds": round(full_sync, 2),
        "full_sync_pages": pages,
        "full_sync_products_per_s": int(products / full_sync),
        "full_sync_server_products_per_s": int(products / serving),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--locales", default="ru",
                        help="Comma list of locales to insert (measured on the first), e.g. ru,en,fi,hu,bg.")
    parser.add_argument("--keep", help="Folder for the database (default: a temporary one, removed after).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON only.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feed-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        setup_django(folder)
        locales = tuple(code.strip() for code in args.locales.split(",") if code.strip())
        channel, raw, insert_seconds = populate(args.products, locales)
        figures = measure(channel, raw, args.products, locale=locales[0])
        figures["locales"] = len(locales)
        figures["insert_seconds"] = round(insert_seconds, 1)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"snapshots inserted: {figures['products']} products × {figures['locales']} locales "
          f"in {figures['insert_seconds']} s")
    print(f"500-item page: p50 {figures['page500_p50_ms']} ms, p95 {figures['page500_p95_ms']} ms "
          f"({figures['page500_bytes'] // 1024} KiB; gzip p50 {figures['page500_gzip_p50_ms']} ms)  target < 50 ms")
    print(f"full sync: {figures['full_sync_products_per_s']} products/s "
          f"({figures['full_sync_pages']} pages of 1000 in {figures['full_sync_seconds']} s, client parsing "
          f"included; serving alone {figures['full_sync_server_products_per_s']}/s)  target ≥ 20000/s")


if __name__ == "__main__":
    main()

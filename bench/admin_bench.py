"""Benchmark of the admin's product change list: first page, a deep page, a search, a filter.

Usage: .venv/bin/python bench/admin_bench.py [--products 10000] [--samples 15] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``) holding the demo catalog
without publishing (``load_demo_catalog(products=N, publish=False)``: rows,
translations, images, completeness), logs a superuser in and requests
``/admin/catalog/product/`` with Django's test client, through the admin's
own views and templates, as an editor would:

- the first page (50 products, the default sort);
- the last page (``?p=…``: offset paging over the whole catalog);
- a search for a word of a product name in Cyrillic (``?q=…``, the
  case-folded search column, so "ДРЕЛЬ" finds "дрель") and for a SKU;
- a filter (``?status=active``) with a sort by SKU descending.

Each is requested ``--samples`` times after one warm-up: p50 and p95 in ms
(they should stay flat as the catalog grows) and the number of queries of
one request. Prints ``RESULT name=value unit`` lines (bench/README.md);
exits non-zero when a page does not answer 200 or a search finds nothing.
"""

import argparse
import re
import statistics
import time

from _common import cpu_seconds, database_kind, percentile, result, scratch_folder, setup_django

URL = "/admin/catalog/product/"


def load(products):
    from django.contrib.auth import get_user_model

    from catalog.demo.loader import load_demo_catalog

    started, cpu = time.perf_counter(), cpu_seconds()
    load_demo_catalog(products=products, publish=False)
    print(f"demo catalog: {products} products in {time.perf_counter() - started:.1f} s "
          f"({cpu_seconds() - cpu:.1f} s CPU), not published", flush=True)
    return get_user_model().objects.create_superuser("bench", "bench@example.com", None)


def search_terms():
    """(a word of a Russian product name, upper-cased; a SKU's tail) from the loaded catalog."""
    from catalog.models import Product

    product = Product.objects.language("ru").order_by("pk")[Product.objects.count() // 2]
    word = max(re.findall(r"\w+", product.safe_translation_getter("name", language_code="ru") or ""), key=len)
    return word.upper(), product.sku[-6:]


def measure(client, params, samples):
    """(p50 s, p95 s, queries, rows on the page) of GET URL with ``params``."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(URL, params)  # the warm-up counts the queries
    if response.status_code != 200:
        raise SystemExit(f"{URL} {params}: HTTP {response.status_code}")
    shown = response.content.count(b'name="_selected_action"')  # one checkbox per row
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(URL, params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(timings), percentile(timings, 0.95), len(queries), shown


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=15, help="Requests per page after the warm-up.")
    parser.add_argument("--keep", help="Folder for the database (default: a temporary one, removed after).")
    args = parser.parse_args()
    with scratch_folder(args.keep, prefix="admin-bench-") as folder:
        url = setup_django(folder)
        result("database", database_kind(url))
        from django.test import Client

        user = load(args.products)
        client = Client()
        client.force_login(user)
        word, sku_tail = search_terms()
        last_page = (args.products + 49) // 50
        pages = {
            "changelist": {},
            "last_page": {"p": last_page},
            "search_name": {"q": word},
            "search_sku": {"q": sku_tail},
            "filter_sorted": {"status": "active", "o": "-2"},
        }
        for name, params in pages.items():
            p50, p95, queries, shown = measure(client, params, args.samples)
            print(f"{name:14} {params}: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, {queries} queries, "
                  f"{shown} rows shown", flush=True)
            if name.startswith("search") and not shown:
                raise SystemExit(f"the search for {params['q']!r} found nothing")
            result(f"{name}_p50", round(p50 * 1000, 1), "ms")
            result(f"{name}_p95", round(p95 * 1000, 1), "ms")
            result(f"{name}_queries", queries)


if __name__ == "__main__":
    main()

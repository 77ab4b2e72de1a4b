"""Catalog render timing for 60 and 500 products (run explicitly: pytest tests/pdf/bench_catalog.py -s)."""

import os
import time
import resource

import pytest

from publishing.pdf.catalog import render_catalog
from tests.pdf.builders import build_catalog
from tests.pdf.pdfutil import artifact_path, page_count

SIZES = [int(n) for n in os.environ.get("PIM_BENCH_SIZES", "60,500").split(",")]


@pytest.mark.django_db
@pytest.mark.parametrize("count", SIZES)
def test_catalog_render_time(count):
    started = time.monotonic()
    build_catalog(count, image_pool=20)
    built = time.monotonic() - started
    started = time.monotonic()
    artifact = render_catalog("print", "fi")
    seconds = time.monotonic() - started
    pages = page_count(artifact_path(artifact))
    started = time.monotonic()
    render_catalog("print", "fi")
    cached = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"\n{count} products: data {built:.1f} s; render {seconds:.2f} s, {pages} pages, "
          f"{seconds / count * 1000:.1f} ms/product, {pages / seconds:.2f} pages/s, "
          f"weasyprint {artifact.meta['render_seconds']} s; cached {cached:.3f} s; "
          f"size {artifact.size_bytes // 1024} KiB; peak RSS {peak} MiB")

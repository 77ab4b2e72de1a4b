"""Catalog render timing, in one piece and in parallel parts (run explicitly:
``PIM_BENCH_SIZES=60,500,1000 pytest tests/pdf/bench_catalog.py -s``)."""

import os
import resource
import time

import pytest

from publishing.pdf.catalog import render_catalog
from tests.pdf.builders import build_catalog
from tests.pdf.pdfutil import artifact_path, page_count

SIZES = [int(n) for n in os.environ.get("PIM_BENCH_SIZES", "60,500").split(",")]


def _cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _timed(label, count):
    # CPU seconds beside wall time: on a busy shared machine the wall time
    # mostly measures the scheduler; CPU shows what an idle machine would need.
    own_before, children_before = _cpu()
    started = time.monotonic()
    artifact = render_catalog("print", "fi")
    seconds = time.monotonic() - started
    own_after, children_after = _cpu()
    own_cpu, children_cpu = own_after - own_before, children_after - children_before
    pages = page_count(artifact_path(artifact))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"\n{count} products, {label}: {seconds:.2f} s, {pages} pages, {seconds / count * 1000:.1f} ms/product, "
          f"{pages / seconds:.2f} pages/s, parts {artifact.meta.get('parts')}, size {artifact.size_bytes // 1024} KiB, "
          f"peak RSS {own} MiB (largest child {children} MiB); CPU {own_cpu:.1f} s here + {children_cpu:.1f} s "
          f"in part processes")
    return seconds, artifact


@pytest.mark.django_db
@pytest.mark.parametrize("count", SIZES)
def test_catalog_render_time(count, settings):
    started = time.monotonic()
    build_catalog(count, image_pool=20)
    print(f"\n{count} products: test data built in {time.monotonic() - started:.1f} s")
    settings.PIM_PDF_PART_PRODUCTS = 10**6
    one_piece, _artifact = _timed("one piece", count)
    settings.PIM_PDF_PART_PRODUCTS = 150
    in_parts, artifact = _timed("parts of 150", count)
    started = time.monotonic()
    assert render_catalog("print", "fi").pk == artifact.pk
    print(f"{count} products: cached answer in {time.monotonic() - started:.3f} s; "
          f"parts are {one_piece / in_parts:.2f}x the one-piece rate")

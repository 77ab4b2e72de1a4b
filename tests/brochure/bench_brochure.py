"""Brochure render timing, print and screen (run explicitly:
``PIM_BENCH_SIZES=8,50 pytest tests/brochure/bench_brochure.py -s``)."""

import os
import resource
import time

import pytest

from publishing.pdf.brochure import render_brochure
from tests.brochure.conftest import build_brochure_catalog
from tests.pdf.pdfutil import artifact_path, page_count

SIZES = [int(n) for n in os.environ.get("PIM_BENCH_SIZES", "8,50").split(",")]


@pytest.mark.django_db
@pytest.mark.parametrize("count", SIZES)
def test_brochure_render_time(count):
    started = time.monotonic()
    brochure = build_brochure_catalog(count, code=f"bench{count}")["brochure"]
    print(f"\n{count} products: test data built in {time.monotonic() - started:.1f} s")
    for variant in ("print", "screen"):
        for run in ("cold", "cached"):
            started = time.monotonic()
            artifact = render_brochure(f"bench{count}", "fi", variant=variant)
            seconds = time.monotonic() - started
            pages = page_count(artifact_path(artifact))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"{count} products, {variant}, {run}: {seconds:.2f} s total "
                  f"(WeasyPrint {artifact.meta.get('render_seconds')} s), {pages} pages, "
                  f"{artifact.size_bytes // 1024} KiB, peak RSS {peak} MiB")
    # a changed brochure field re-renders, reusing the CMYK photo conversions
    brochure.promo_code = "CHANGED"
    brochure.save()
    started = time.monotonic()
    render_brochure(f"bench{count}", "fi", variant="print")
    print(f"{count} products, print, after a text change (photos already in CMYK): "
          f"{time.monotonic() - started:.2f} s")

"""Exports stream: peak memory does not grow with the number of products."""

import tracemalloc

import pytest

from publishing.exports.service import build_export
from publishing.models import Artifact, ProductSnapshot
from tests.exports.conftest import bulk_documents


def peak_bytes(channel, fmt):
    Artifact.objects.all().delete()
    tracemalloc.start()
    try:
        artifact = build_export(channel, "en", fmt)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, artifact


@pytest.mark.parametrize("fmt", ["google-xml", "xlsx"])
def test_peak_memory_is_flat(channel, fmt):
    bulk_documents(channel, 200, prefix="A")
    small, artifact = peak_bytes(channel, fmt)
    assert artifact.meta["items"] == 200
    small_file = artifact.size_bytes
    bulk_documents(channel, 1800, prefix="B")
    assert ProductSnapshot.objects.filter(channel=channel).count() == 2000
    large, artifact = peak_bytes(channel, fmt)
    assert artifact.meta["items"] == 2000
    # 10× the products, and the file is ~10× larger, but memory stays within a small factor
    assert artifact.size_bytes > 5 * small_file
    assert large < small * 2, (small, large)

"""Shelf labels of a large store are rendered in parts of whole sheets (each
in a process of its own) and joined: the same sheets as one long render,
with memory bounded by the part instead of the store."""

import pytest
from pypdf import PdfReader

from publishing.models import Artifact
from publishing.pdf.labels import render_labels
from tests.pdf.builders import build_catalog
from tests.pdf.pdfutil import artifact_path, decode_page, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_labels_in_parts_equal_the_one_piece_render(settings, tmp_path):
    build_catalog(36)  # 24 products stocked in hel1, 36 labels: two sheets
    settings.PIM_PDF_PART_PRODUCTS = 21  # one sheet per part
    logged = []
    in_parts = render_labels("hel1", "fi", log=lambda message, level="info": logged.append(message))
    assert in_parts.meta["parts"] == 2 and in_parts.meta["labels"] == 36
    assert any("2 parts" in line for line in logged), logged
    path = artifact_path(in_parts)
    assert len(PdfReader(path).pages) == in_parts.meta["pages"] == 2

    settings.PIM_PDF_PART_PRODUCTS = 150  # the whole store in one render
    whole = render_labels("hel1", "fi")
    assert whole.pk != in_parts.pk and whole.meta["parts"] == 1
    assert page_texts(path) == page_texts(artifact_path(whole))
    assert Artifact.objects.filter(kind="labels").count() == 2

    codes = set()
    for page in (1, 2):
        codes |= {text for fmt, text in decode_page(path, page, dpi=300, tmp_dir=tmp_path) if fmt == "EAN-13"}
    assert codes == set(in_parts.meta["gtins"]) and len(codes) == 36


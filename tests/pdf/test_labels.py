"""Shelf labels and the EAN-13 encoder: barcodes decoded from the rasterised PDF equal the GTINs."""

import pytest

from publishing.models import ProductSnapshot
from publishing.pdf.barcodes import InvalidBarcode, ean13_modules, ean13_svg, is_valid_ean13, normalise_ean13
from publishing.pdf.common import RenderInputError
from publishing.pdf.labels import render_labels
from tests.pdf.pdfutil import artifact_path, decode_page, fonts, page_texts, spaces


def test_ean13_check_digit_is_validated():
    assert is_valid_ean13("4006381333931")
    assert not is_valid_ean13("4006381333932")
    assert normalise_ean13("036000291452") == "0036000291452"  # GTIN-12 (UPC-A)
    for bad in ("", "123", "40063813339a1", "4006381333932"):
        with pytest.raises(InvalidBarcode):
            ean13_svg(bad)


def test_ean13_modules_follow_gs1_patterns():
    modules = ean13_modules("4006381333931")
    assert len(modules) == 95
    assert modules[:3] == "101" and modules[45:50] == "01010" and modules[-3:] == "101"
    # first digit 4 → parity LGLLGG; the second digit 0 in set L is 0001101
    assert modules[3:10] == "0001101"
    assert ean13_svg("4006381333931").startswith("<svg")


@pytest.mark.django_db
def test_labels_sheet_has_barcodes_decoding_to_the_gtins(catalog, tmp_path):
    artifact = render_labels("hel1", "fi")
    path = artifact_path(artifact)
    documents = [s.document for s in ProductSnapshot.objects.filter(channel__code="print", locale="fi")]
    expected = set()
    for document in documents:
        stocked = [v for v in document["variants"] if any(s["code"] == "hel1" for s in v["stores"])]
        if stocked:
            expected |= {v["gtin"] for v in stocked}
        elif any(s["code"] == "hel1" for s in document["stores"]):
            expected.add(document["gtin"])
    assert expected and set(artifact.meta["gtins"]) == expected
    decoded = decode_page(path, 1, dpi=300, tmp_dir=tmp_path)
    assert {text for fmt, text in decoded if fmt == "EAN-13"} == expected
    # every label's QR code leads to its product page
    pages = {d["url"] for d in documents if d["sku"] in {"PDF-00001", "PDF-00003", "PDF-00004", "PDF-00005"}}
    assert {text for fmt, text in decoded if fmt == "QR Code"} == pages
    text = spaces(page_texts(path)[0])
    assert "Akkuporakone" in text and "19,90 €" in text
    assert all(emb == "yes" for _n, _t, emb in fonts(path))


@pytest.mark.django_db
def test_products_without_stock_in_the_store_get_no_label(catalog):
    artifact = render_labels("esp1", "ru")
    text = page_texts(artifact_path(artifact))[0]
    assert artifact.meta["labels"] == 2  # products 2 and 6 are stocked in esp1 only
    assert "Угловая шлифмашина" in text and "Аккумуляторная дрель" not in text


@pytest.mark.django_db
def test_unknown_store_is_a_clear_error(catalog):
    with pytest.raises(RenderInputError, match="Unknown store: nowhere"):
        render_labels("nowhere", "fi")

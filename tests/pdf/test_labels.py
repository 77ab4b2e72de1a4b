"""Shelf labels and the EAN-13 encoder: barcodes decoded from the rasterised PDF equal the GTINs."""

import re
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

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


def test_barcode_digits_are_three_words_centred_under_their_modules(tmp_path):
    """The digits are three text runs (first digit, left half, right half),
    each digit centred on its seven modules, and add no form XObject: a sheet
    of 21 labels once carried 273 forms, one per centred digit, which made
    joining thousands of sheets slow and the file four times larger."""
    module_pt = 0.3 * 72 / 25.4
    path = tmp_path / "barcode.pdf"
    HTML(string=f"<style>@page {{ margin: 0 }} body {{ margin: 0 }}</style>{ean13_svg('4006381333931')}").write_pdf(path)
    assert not PdfReader(path).pages[0]["/Resources"].get("/XObject")
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(x1), text)
             for x0, x1, text in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(\d+)<', bbox)]
    assert [text for _x0, _x1, text in words] == ["4", "006381", "333931"]
    first_centres = (11 - 5, 11 + 6.5, 11 + 53.5)  # in modules: before the bars, after each guard
    advance = 0.572 * 9 * module_pt  # a Noto Sans digit at the barcode's 9-module size
    for (x0, x1, text), centre in zip(words, first_centres):
        assert x0 + advance / 2 == pytest.approx(centre * module_pt, abs=0.1)
        assert x1 - advance / 2 == pytest.approx((centre + 7 * (len(text) - 1)) * module_pt, abs=0.1)


def test_barcode_bars_cover_exactly_their_modules(tmp_path):
    """Rasterised, the bars (strokes grouped by width) are dark on exactly the
    modules GS1's patterns make dark, and the code decodes."""
    path = tmp_path / "barcode.pdf"
    HTML(string=f"<style>@page {{ margin: 0 }} body {{ margin: 0 }}</style>{ean13_svg('4006381333931')}").write_pdf(path)
    subprocess.run(["pdftoppm", "-r", "600", "-png", "-singlefile", str(path), str(tmp_path / "barcode")], check=True)
    grey = Image.open(tmp_path / "barcode.png").convert("L")
    module_px = 0.3 / 25.4 * 600
    row = int(30 * module_px)  # through the bars, above the digits
    first_dark = next(x for x in range(grey.width) if grey.getpixel((x, row)) < 128)
    sampled = "".join("1" if grey.getpixel((int(first_dark + (i + 0.5) * module_px), row)) < 128 else "0"
                      for i in range(95))
    assert sampled == ean13_modules("4006381333931")
    assert [(r.format.name, r.text) for r in zxingcpp.read_barcodes(grey)] == [("EAN13", "4006381333931")]


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

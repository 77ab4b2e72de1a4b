"""The print variant on real PDFs: what a print shop's preflight checks."""

import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from publishing.models import ProductSnapshot, ShortLink
from publishing.pdf import brochure as brochure_module
from publishing.pdf import cmyk
from publishing.pdf.brochure import render_brochure
from publishing.pdf.qr import qr_modules
from tests.brochure import pdfcheck
from tests.pdf.feedcheck import euros_comma, feed_client, feed_document, paid_amount
from tests.pdf.pdfutil import anchored_texts, artifact_path, fonts, page_texts, spaces

BLEED_PT = 3 * 72 / 25.4  # 8.504 pt


@pytest.fixture
def print_pdf(campaign):
    artifact = render_brochure("spring", "ru", variant="print")
    return artifact, artifact_path(artifact)


def test_every_page_has_trim_and_bleed_boxes_3mm_apart(print_pdf):
    _artifact, path = print_pdf
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 2
    for media, bleed, trim in pdfcheck.boxes(reader):
        assert trim is not None and bleed is not None
        for inner, outer, sign in zip(trim, bleed, (-1, -1, 1, 1)):
            assert (outer - inner) * sign == pytest.approx(BLEED_PT, abs=0.01)
        assert media == bleed
        width_mm = (trim[2] - trim[0]) * 25.4 / 72
        height_mm = (trim[3] - trim[1]) * 25.4 / 72
        assert (round(width_mm), round(height_mm)) == (210, 297)  # A4 trimmed


def test_pdf_x4_output_intent_is_the_configured_profile(print_pdf):
    _artifact, path = print_pdf
    reader = PdfReader(str(path))
    intents = pdfcheck.output_intents(reader)
    assert len(intents) == 1
    intent = intents[0]
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert int(profile["/N"]) == 4
    # the embedded profile is the configured CMYK profile
    embedded = profile.get_data()
    configured = cmyk.icc_profile_path().read_bytes()
    assert embedded[36:40] == b"acsp" and embedded[16:20] == b"CMYK"
    assert len(embedded) == len(configured)
    assert b"PDF/X-4" in path.read_bytes()  # XMP pdfxid:GTS_PDFXVersion


def test_no_device_rgb_anywhere(print_pdf):
    _artifact, path = print_pdf
    reader = PdfReader(str(path))
    assert pdfcheck.rgb_operators(reader) == []
    assert pdfcheck.rgb_colour_spaces(reader) == []
    images = pdfcheck.images(reader)
    assert len(images) == 6  # one photo per product; QR codes are vectors, not images
    assert all(space in ("/DeviceCMYK", "ICCBased N=4") for space, _w, _h in images)
    # text and vectors are painted in CMYK
    counts = pdfcheck.operator_counts(reader, [b"cs", b"scn", b"k", b"K", b"g", b"G"])
    assert counts[b"scn"] > 0
    assert counts[b"g"] == counts[b"G"] == 0


def _paints_with_colour(reader):
    """[(paint, colour space, colour, subpaths)] of each fill ("fill") and
    stroke ("stroke") in the page content streams, with the colour of that
    kind of paint in force (PDF keeps one for fills, one for strokes)."""
    setting = {b"cs": ("fill", "space"), b"CS": ("stroke", "space"), b"scn": ("fill", "colour"),
               b"sc": ("fill", "colour"), b"SCN": ("stroke", "colour"), b"SC": ("stroke", "colour"),
               b"k": ("fill", "cmyk"), b"K": ("stroke", "cmyk")}
    painting = {b"f": ("fill",), b"F": ("fill",), b"f*": ("fill",), b"S": ("stroke",), b"s": ("stroke",),
                b"B": ("fill", "stroke"), b"B*": ("fill", "stroke"), b"b": ("fill", "stroke"),
                b"b*": ("fill", "stroke")}
    paints = []
    for page in reader.pages:
        content = page.get_contents()
        state, subpaths, stack = {"fill": (None, None), "stroke": (None, None)}, 0, []
        for operands, operator in ContentStream(content, reader).operations:
            if operator == b"q":
                stack.append(dict(state))
            elif operator == b"Q" and stack:
                state = stack.pop()
            elif operator in setting:
                paint, what = setting[operator]
                space, colour = state[paint]
                values = tuple(round(float(v), 3) for v in operands if not isinstance(v, str))
                if what == "space":
                    state[paint] = (str(operands[0]), colour)
                elif what == "colour":
                    state[paint] = (space, values)
                else:
                    state[paint] = ("/DeviceCMYK", values)
            elif operator == b"m":
                subpaths += 1
            elif operator in painting:
                paints.extend((paint, *state[paint], subpaths) for paint in painting[operator])
                subpaths = 0
            elif operator == b"n":
                subpaths = 0
    return paints


def test_qr_codes_are_vector_and_black_ink_only(print_pdf):
    _artifact, path = print_pdf
    reader = PdfReader(str(path))
    # a QR path has ~100+ runs (its rows stroked)
    qr_paints = [paint for paint in _paints_with_colour(reader) if paint[3] >= 80]
    assert len(qr_paints) == 6
    for _paint, space, colour, _subpaths in qr_paints:
        assert space == "/DeviceCMYK" and colour == (0, 0, 0, 1)


def test_campaign_colour_is_the_typed_ink_mix(print_pdf):
    _artifact, path = print_pdf
    colours = {(space, colour) for paint, space, colour, _n in _paints_with_colour(PdfReader(str(path)))
               if paint == "fill"}
    assert ("/DeviceCMYK", (1.0, 0.6, 0.0, 0.05)) in colours  # primary_cmyk "100,60,0,5": the band


def test_fonts_embedded_and_cyrillic_extracted(campaign):
    for locale, title, product_name in (("ru", "Весенние инструменты", "Аккумуляторная дрель"),
                                        ("bg", "Пролетни инструменти", "Акумулаторна бормашина")):
        path = artifact_path(render_brochure("spring", locale, variant="print"))
        rows = fonts(path)
        assert rows and all(emb == "yes" for _name, _type, emb in rows)
        assert any("Noto" in name for name, _type, _emb in rows)
        text = spaces("\n".join(page_texts(path)))
        assert title in text and product_name in text
        assert "SPRING26" in text


def test_qr_decodes_to_the_short_link_that_lands_on_the_page_and_is_at_least_20mm(print_pdf, campaign, client,
                                                                                    tmp_path):
    artifact, path = print_pdf
    brochure = campaign["brochure"]
    subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True)
    results = [r for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
               if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert results
    page_text = spaces(page_texts(path)[0])
    for result in results:
        code = result.text.rsplit("/q/", 1)[1]
        link = ShortLink.objects.get(code=code)
        assert link.brochure == brochure and link.language_code == "ru"
        assert artifact.meta["short_links"][link.sku] == result.text
        assert result.text.split("://", 1)[1] in page_text  # the short URL is printed too
        # the scan: the short link redirects to the product's Russian web page with the campaign tags
        short = urlsplit(result.text)
        assert f"{short.scheme}://{short.netloc}" == settings.PIM_BASE_URL
        response = client.get(short.path)
        assert response.status_code == 302
        landing = urlsplit(response["Location"])
        web_document = ProductSnapshot.objects.get(channel=campaign["web"], sku=link.sku, locale="ru").document
        assert landing.path == urlsplit(web_document["url"]).path and landing.path.startswith("/ru/p/")
        assert parse_qs(landing.query) == {"utm_source": ["brochure"], "utm_medium": ["qr"],
                                           "utm_campaign": [brochure.code]}
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert web_document["name"] in page.content.decode()
        # measured size: the symbol's corners in the 300 dpi raster plus the quiet zone
        position = result.position
        side_px = max(abs(position.top_right.x - position.top_left.x),
                      abs(position.bottom_left.y - position.top_left.y))
        modules = qr_modules(result.text, "M", quiet_zone=0)
        with_quiet_zone_mm = side_px * (modules + 8) / modules / 300 * 25.4
        assert with_quiet_zone_mm >= 20
        assert result.ec_level in ("M", "Q")


def test_printed_prices_equal_the_feeds_for_the_same_channel_and_locale(print_pdf, campaign):
    _artifact, path = print_pdf
    blocks = {sku: spaces(text) for sku, text in anchored_texts(path).items()}
    skus = [product.sku for product in campaign["products"]]
    assert sorted(blocks) == sorted(skus)
    client = feed_client(campaign["channel"].code)
    for sku in skus:
        document = feed_document(client, campaign["channel"].code, sku, "ru")
        block = blocks[sku]
        assert f"SKU {sku}" in block and document["name"] in block
        assert not any(f"SKU {other}" in block for other in skus if other != sku)
        assert euros_comma(paid_amount(document["price"])) in block


def test_low_resolution_photo_is_warned(campaign):
    logs = []
    artifact = render_brochure("spring", "ru", variant="print", log=lambda message, level="info": logs.append((level, message)))
    small_sku = campaign["products"][5].sku
    warnings = artifact.meta["warnings"]
    assert len(warnings) == 1 and small_sku in warnings[0] and "dpi" in warnings[0]
    assert ("warning", warnings[0]) in logs
    # a cache hit repeats the warning for whoever runs it again
    logs.clear()
    assert render_brochure("spring", "ru", variant="print", log=lambda m, level="info": logs.append((level, m))).pk == artifact.pk
    assert ("warning", warnings[0]) in logs


def test_effective_dpi_of_a_contained_photo():
    # 1016 px across 86 mm is 300 dpi when the width limits the fit
    assert brochure_module.effective_dpi((1016, 400), (86, 52)) == pytest.approx(300, abs=0.5)
    # a tall photo is limited by the height
    assert brochure_module.effective_dpi((100, 614), (86, 52)) == pytest.approx(300, abs=0.5)


def test_crop_marks_are_cmyk_and_lie_in_the_bleed(campaign):
    brochure = campaign["brochure"]
    brochure.crop_marks = True
    brochure.save()
    path = artifact_path(render_brochure("spring", "fi", variant="print"))
    reader = PdfReader(str(path))
    assert pdfcheck.rgb_operators(reader) == [] and pdfcheck.rgb_colour_spaces(reader) == []
    assert pdfcheck.output_intents(reader)  # post-processing kept the OutputIntent
    # PDF/X-4 with transparency needs PDF 1.6 or later: the rewrite keeps WeasyPrint's header
    marked_version = pdfcheck.header_version(path)
    assert marked_version >= (1, 6)
    for page in reader.pages:
        trim = [float(v) for v in page.trimbox]
        ops = ContentStream(page.get_contents(), reader).operations
        assert ([1, 1, 1, 1], b"K") in [([int(v) for v in o], op) for o, op in ops if op == b"K"]
        lines = [(float(o[0]), float(o[1])) for o, op in ops if op in (b"m", b"l")][-16:]
        for x, y in lines:  # every mark point lies outside the trimmed page
            assert not (trim[0] < x < trim[2] and trim[1] < y < trim[3])
    brochure.crop_marks = False
    brochure.save()
    plain_path = artifact_path(render_brochure("spring", "fi", variant="print"))
    plain = PdfReader(str(plain_path))
    assert pdfcheck.operator_counts(plain, [b"K"])[b"K"] == 0
    assert pdfcheck.header_version(plain_path) == marked_version


def test_a5_brochure_has_a5_trim(db):
    from tests.brochure.conftest import build_brochure_catalog

    build_brochure_catalog(3, code="mini", page_size="A5")
    reader = PdfReader(str(artifact_path(render_brochure("mini", "en", variant="print"))))
    _media, _bleed, trim = pdfcheck.boxes(reader)[0]
    assert (round((trim[2] - trim[0]) * 25.4 / 72), round((trim[3] - trim[1]) * 25.4 / 72)) == (148, 210)


def test_other_icc_profile_changes_the_output_intent(campaign, settings, tmp_path):
    first = render_brochure("spring", "en", variant="print")
    # the shop's own profile: here the default one with another creation year
    shop_profile = bytearray(cmyk.icc_profile_path().read_bytes())
    shop_profile[24:26] = (2001).to_bytes(2, "big")
    (tmp_path / "shop.icc").write_bytes(bytes(shop_profile))
    settings.PIM_PRINT_ICC_PROFILE = str(tmp_path / "shop.icc")
    second = render_brochure("spring", "en", variant="print")
    assert second.pk != first.pk  # the profile is part of the cache key
    profile = pdfcheck.output_intents(PdfReader(str(artifact_path(second))))[0]["/DestOutputProfile"].get_object()
    assert int.from_bytes(profile.get_data()[24:26], "big") == 2001
    assert second.meta["icc_profile"].endswith("shop.icc")


def test_unusable_icc_profile_is_a_clear_input_error(campaign, settings):
    from publishing.pdf.common import RenderInputError

    settings.PIM_PRINT_ICC_PROFILE = "/usr/share/color/icc/ghostscript/srgb.icc"
    with pytest.raises(RenderInputError, match="not a CMYK profile"):
        render_brochure("spring", "en", variant="print")
    # the screen variant needs no print profile
    assert render_brochure("spring", "en", variant="screen").meta["variant"] == "screen"


def test_unreadable_photo_is_left_out_with_a_warning(campaign):
    from publishing.models import ProductSnapshot
    from publishing.pdf.fetcher import local_path

    sku = campaign["products"][0].sku
    document = ProductSnapshot.objects.get(channel=campaign["channel"], sku=sku, locale="en").document
    local_path(document["images"][0]["url"]).write_bytes(b"not an image at all")
    artifact = render_brochure("spring", "en", variant="print")
    assert any(sku in warning and "cannot be converted" in warning for warning in artifact.meta["warnings"])
    assert artifact.meta["products"] == 6
    assert len(pdfcheck.images(PdfReader(str(artifact_path(artifact))))) == 5

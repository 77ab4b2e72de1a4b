"""QR codes as vector SVG: decodable after WeasyPrint, sized as asked, in the colour asked."""

import re

import pytest
import zxingcpp
from PIL import Image
from weasyprint import HTML

from publishing.pdf.qr import CMYK_BLACK, qr_matrix, qr_modules, qr_svg

URL = "https://pim.example.com/q/ab2cd3e"


def test_matrix_is_square_without_quiet_zone():
    matrix = qr_matrix(URL, "M")
    assert len(matrix) == len(matrix[0]) == 29  # version 3 for a short URL at level M
    # finder pattern in the top-left corner: a dark 7×7 ring
    assert all(matrix[0][:7]) and all(matrix[6][:7]) and not matrix[1][1]
    assert qr_modules(URL, "M", quiet_zone=4) == 29 + 8
    # Q carries more error correction: never a smaller code than M
    assert len(qr_matrix(URL, "Q")) >= len(matrix)


def test_svg_is_one_vector_path_with_size_and_colour():
    svg = qr_svg(URL, size_mm=22, color=CMYK_BLACK)
    assert svg.startswith("<svg") and 'width="22mm"' in svg and 'height="22mm"' in svg
    assert 'viewBox="0 0 37 37"' in svg
    assert svg.count("<path") == 1 and "<image" not in svg and "<rect" not in svg
    assert 'stroke="device-cmyk(0 0 0 1)"' in svg and 'fill="none"' in svg
    # the quiet zone is inside the viewBox: nothing is drawn in the first 4 modules
    xs = [int(x) for x in re.findall(r"M(\d+) ", svg)]
    assert min(xs) == 4 and max(xs) < 33
    assert " width=" not in qr_svg(URL)  # no size: fills its CSS box


def test_rejects_unknown_error_correction():
    with pytest.raises(ValueError):
        qr_svg(URL, error_correction="X")


@pytest.mark.parametrize("level", ["M", "Q"])
def test_rendered_code_decodes(tmp_path, level):
    html = f"<html><body style='margin:0'>{qr_svg(URL, error_correction=level, size_mm=22)}</body></html>"
    target = tmp_path / "qr.pdf"
    HTML(string=html).write_pdf(target, stylesheets=[])
    import subprocess

    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(target), str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr.png")
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [URL]
    # the strokes cover exactly the dark modules: sample every module's centre
    matrix = qr_matrix(URL, level)
    module_px = 22 / 25.4 * 300 / qr_modules(URL, level)
    grey = image.convert("L")
    # the finder pattern makes the top-left module dark: the ink's box starts there
    left, top, _right, _bottom = grey.point(lambda value: 255 if value < 128 else 0).getbbox()
    drawn = [[grey.getpixel((int(left + (x + 0.5) * module_px), int(top + (y + 0.5) * module_px))) < 128
              for x in range(len(matrix))] for y in range(len(matrix))]
    assert drawn == [list(row) for row in matrix]

"""Reading real PDFs in tests: text per page or per anchored block (poppler), fonts, images and codes rasterised from a page."""

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def artifact_path(artifact):
    return Path(artifact.file.path)


def page_count(path):
    return len(PdfReader(str(path)).pages)


def page_texts(path):
    """Text of each page (pdftotext keeps reading order; pages split on form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def fonts(path):
    """[(name, type, emb)] from pdffonts."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name ... emb sub uni object ID: emb is the 5th field from the end
        rows.append((parts[0], " ".join(parts[1:-6]), parts[-5]))
    return rows


def image_count(path):
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return len(out.splitlines()[2:])


def decode_page(path, page=1, dpi=300, tmp_dir=None):
    """Every barcode/QR code zxing-cpp finds on a page rasterised by pdftoppm: [(format, text)]."""
    prefix = Path(tmp_dir or Path(path).parent) / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile",
                    str(path), str(prefix)], check=True)
    image = Image.open(f"{prefix}.png")
    return [(str(result.format), result.text) for result in zxingcpp.read_barcodes(image)]


def spaces(text):
    """pdftotext writes no-break and narrow spaces as plain spaces: compare on that footing."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def anchored_texts(path, prefix="p-"):
    """{anchor id without ``prefix``: text of its block} for the elements whose
    id starts with ``prefix`` (WeasyPrint writes ids as named destinations).

    A block runs from its anchor right to the next anchor on its row (or the
    page edge) and down to the next anchor in its column (or the page
    bottom): product cards in a grid or a list come out one by one."""
    reader = PdfReader(str(path))
    anchors = []
    for name, destination in reader.named_destinations.items():
        if name.startswith(prefix):
            anchors.append((name[len(prefix):], reader.get_destination_page_number(destination),
                            float(destination.left), float(destination.top)))
    texts = {}
    for name, page, left, top in anchors:
        box = reader.pages[page].mediabox
        same_page = [(x, y) for _n, p, x, y in anchors if p == page]
        right = min([x for x, y in same_page if x > left + 1 and abs(y - top) < 1] or [float(box.right)])
        bottom = max([y for x, y in same_page if y < top - 1 and abs(x - left) < 1] or [float(box.bottom)])
        # pdftotext crops in points from the page's top-left corner
        crop = {"-x": left - float(box.left), "-y": float(box.top) - top, "-W": right - left, "-H": top - bottom}
        arguments = [str(item) for key, value in crop.items() for item in (key, int(round(value)))]
        texts[name] = subprocess.run(
            ["pdftotext", "-layout", "-f", str(page + 1), "-l", str(page + 1), *arguments, str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
    return texts

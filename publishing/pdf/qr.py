"""Vector QR codes (inline SVG) for brochures, datasheets and labels.

Interface::

    from publishing.pdf.qr import qr_svg, qr_matrix, qr_modules

    svg = qr_svg("https://example.com/q/AB12CD",
                 error_correction="M",           # "L", "M", "Q" or "H"
                 size_mm=22,                     # printed size INCLUDING the quiet zone
                 color="device-cmyk(0 0 0 1)",   # or "#000000" (screen)
                 quiet_zone=4)                   # modules of white margin per side
    # -> '<svg xmlns=... width="22mm" height="22mm" viewBox="0 0 N N">…</svg>'

- The code is one ``<path>`` of horizontal runs stroked one module wide
  (butt ends: exact squares; no raster image, no hairline gaps between
  rows), so it stays vector in the PDF and prints in one ink: pass
  ``color="device-cmyk(0 0 0 1)"`` for pure black ink (WeasyPrint writes
  that as DeviceCMYK when the stylesheet declares ``@color-profile
  device-cmyk``); the default ``#000000`` becomes RGB black.
- The quiet zone is part of the SVG (transparent, so the paper shows), so
  ``size_mm`` is the whole area to reserve; the module size is
  ``size_mm / (modules + 2 * quiet_zone)``, see :func:`qr_modules`.
- ``size_mm=None`` leaves out width/height: the SVG fills its CSS box.
- ``qr_matrix(data, ec)`` gives the bare matrix (rows of bools, True = dark,
  no quiet zone) for callers that draw the code themselves.
"""

from functools import lru_cache
from html import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

ERROR_CORRECTION = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}

# Pure black ink for print; use with ``@color-profile device-cmyk`` in the CSS.
CMYK_BLACK = "device-cmyk(0 0 0 1)"


def _level(error_correction):
    try:
        return ERROR_CORRECTION[str(error_correction).upper()]
    except KeyError:
        raise ValueError(f"error_correction must be one of L, M, Q, H, not {error_correction!r}") from None


@lru_cache(maxsize=2048)
def _matrix(data, error_correction):
    code = qrcode.QRCode(error_correction=_level(error_correction), border=0)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def qr_matrix(data, ec="M"):
    """The QR matrix of ``data``: a list of rows of bools (True = dark), no quiet zone."""
    return [list(row) for row in _matrix(str(data), str(ec).upper())]


def qr_modules(data, ec="M", quiet_zone=4):
    """Modules across the whole code including the quiet zone on both sides."""
    return len(_matrix(str(data), str(ec).upper())) + 2 * quiet_zone


def _path(matrix, offset):
    """Each row's dark runs as horizontal strokes one module wide, drawn
    through the middle of the row: ``M x y h run`` for the first run, ``m gap
    0 h run`` for the next ones. Two commands and three numbers per run
    instead of a closed rectangle's five each: WeasyPrint parses every
    coordinate of an SVG path in Python, and the rectangles took ~35 ms per
    code, more than the rest of a label."""
    parts = []
    for y, row in enumerate(matrix):
        x, end = 0, None
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                if end is None:
                    parts.append(f"M{start + offset} {y + offset}.5h{x - start}")
                else:
                    parts.append(f"m{start - end} 0h{x - start}")
                end = x
            else:
                x += 1
    return "".join(parts)


def qr_svg(data, *, error_correction="M", size_mm=None, color="#000000", quiet_zone=4):
    """A vector QR code of ``data`` as an inline SVG string (see the module doc)."""
    matrix = _matrix(str(data), str(error_correction).upper())
    total = len(matrix) + 2 * quiet_zone
    size = ""
    if size_mm is not None:
        size = f' width="{float(size_mm):g}mm" height="{float(size_mm):g}mm"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="{escape(str(data))}"'
        f'{size} viewBox="0 0 {total} {total}" shape-rendering="crispEdges">'
        f'<path fill="none" stroke="{escape(color)}" stroke-width="1" d="{_path(matrix, quiet_zone)}"/></svg>'
    )


__all__ = ["CMYK_BLACK", "qr_matrix", "qr_modules", "qr_svg"]

"""EAN-13 barcodes as vector SVG for shelf labels (GS1 General Specifications, section 5.2).

``ean13_svg("6417182041238")`` returns an ``<svg>`` string (bars as strokes,
the human-readable digits beneath); ``is_valid_ean13`` checks the check digit.
A GTIN-12 (UPC-A) is accepted and written as EAN-13 with a leading zero.
"""

from xml.sax.saxutils import escape

# Left-hand odd parity (set A), even parity (set B) and right-hand (set C) patterns.
_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011")
_G = ("0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111")
_R = ("1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100")
# The first digit is not drawn as bars: it picks the parity of the left six digits.
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")

QUIET_LEFT = 11  # modules, per GS1 for EAN-13
QUIET_RIGHT = 7
# Advance of a digit in em: Noto Sans (like most text faces) has tabular figures of 572/1000 em.
DIGIT_ADVANCE_EM = 0.572


class InvalidBarcode(ValueError):
    """Not a valid EAN-13 / GTIN-12 number."""


def check_digit(digits12):
    """The GS1 check digit of the first 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return str((10 - total % 10) % 10)


def normalise_ean13(code):
    """13 digits of a valid EAN-13 (a GTIN-12 gets a leading 0), else InvalidBarcode."""
    code = (code or "").strip().replace(" ", "")
    if len(code) == 12:
        code = "0" + code
    if len(code) == 14 and code.startswith("0"):
        code = code[1:]
    if len(code) != 13 or not code.isdigit():
        raise InvalidBarcode(f"EAN-13 needs 13 digits: {code!r}")
    if check_digit(code[:12]) != code[12]:
        raise InvalidBarcode(f"Wrong EAN-13 check digit: {code!r}")
    return code


def is_valid_ean13(code):
    try:
        normalise_ean13(code)
    except InvalidBarcode:
        return False
    return True


def ean13_modules(code):
    """The 95 modules ("1" bar, "0" space) of a valid EAN-13."""
    code = normalise_ean13(code)
    parity = _PARITY[int(code[0])]
    left = "".join((_L if p == "L" else _G)[int(d)] for p, d in zip(parity, code[1:7], strict=True))
    right = "".join(_R[int(d)] for d in code[7:])
    return "101" + left + "01010" + right + "101"


def _guard_positions():
    return set(range(0, 3)) | set(range(45, 50)) | set(range(92, 95))


def ean13_svg(code, *, module_mm=0.3, bar_height_mm=15.0, fill="#000", font_family="Noto Sans"):
    """The barcode as an SVG string sized in mm (default 0.3 mm modules ≈ 90 %
    magnification, readable by shelf scanners), digits under the bars."""
    code = normalise_ean13(code)
    modules = ean13_modules(code)
    guards = _guard_positions()
    width = QUIET_LEFT + 95 + QUIET_RIGHT
    digit_height = 9.0  # in modules; the text sits under the bars
    height = bar_height_mm / module_mm + digit_height * 0.55
    bars_height = bar_height_mm / module_mm
    # Bars as vertical strokes, one path per bar width (1–4 modules): a few
    # elements instead of 30 rects, which WeasyPrint styles and draws one by one.
    bars_by_width = {}
    index = 0
    while index < len(modules):
        if modules[index] == "1":
            start = index
            while index < len(modules) and modules[index] == "1":
                index += 1
            long_bar = any(i in guards for i in range(start, index))
            bar = bars_height if long_bar else bars_height - digit_height * 0.5
            width_modules = index - start
            bars_by_width.setdefault(width_modules, []).append(
                f"M{QUIET_LEFT + start + width_modules / 2:g} 0v{bar:.2f}")
        else:
            index += 1
    text_y = bars_height + digit_height * 0.45
    # Each digit is centred on its seven modules. One <text> per group with
    # a start position per glyph instead of one centred <text> per digit:
    # WeasyPrint lays out every text node and wraps each centred one in a
    # form XObject of its own (13 per label, the bulk of a label sheet's
    # objects and of the time to join sheets).
    half_digit = DIGIT_ADVANCE_EM * digit_height / 2
    font = f'font-family="{escape(font_family)}" font-size="{digit_height:.1f}"'

    def digits(text, first_centre):
        xs = " ".join(f"{first_centre + 7 * i - half_digit:.2f}" for i in range(len(text)))
        return f'<text x="{xs}" y="{text_y:.2f}" {font}>{text}</text>'

    bars = "".join(f'<path fill="none" stroke="{escape(fill)}" stroke-width="{bar_width}" d="{"".join(ds)}"/>'
                   for bar_width, ds in sorted(bars_by_width.items()))
    human = digits(code[0], QUIET_LEFT - 5) + digits(code[1:7], QUIET_LEFT + 6.5) + digits(code[7:], QUIET_LEFT + 53.5)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ean13" '
        f'width="{width * module_mm:.2f}mm" height="{height * module_mm:.2f}mm" '
        f'viewBox="0 0 {width} {height:.2f}" role="img" aria-label="EAN-13 {code}">'
        f'<g fill="{escape(fill)}">{bars}{human}</g></svg>'
    )

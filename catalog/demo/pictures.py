"""Product pictures for the demo: a simple shape in the product's colour with
the initials of its model name, drawn with Pillow (same input, same bytes).

One picture per product type and colour is shared by every product showing
it, so even 100 000 products use a few dozen image files.
"""

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from . import vocabulary as V

SIZE = 800
FONT_FILES = ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf")
FONT_DIRS = ("/usr/share/fonts/truetype/noto/", "/usr/share/fonts/truetype/dejavu/", "")


@lru_cache(maxsize=8)
def _font(size):
    for name in FONT_FILES:
        for folder in FONT_DIRS:
            try:
                return ImageFont.truetype(folder + name, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _rgb(colour):
    return next(rgb for code, _labels, rgb in V.OPTIONS["colour"] if code == colour)


def initials(type_code):
    """The letters that start every model name of the type ("PD" of "PD-18 Pro")."""
    return V.PRODUCT_TYPES[type_code]["prefix"]


def _shape(draw, shape, fill):
    box = (140, 140, SIZE - 140, SIZE - 140)
    if shape == "circle":
        draw.ellipse(box, fill=fill)
    elif shape == "disc":
        draw.ellipse(box, fill=fill)
        draw.ellipse((220, 220, SIZE - 220, SIZE - 220), fill=(250, 250, 248))
    elif shape == "triangle":
        draw.polygon([(SIZE // 2, 110), (SIZE - 120, SIZE - 150), (120, SIZE - 150)], fill=fill)
    elif shape == "bars":
        for row in range(4):
            top = 170 + row * 120
            draw.rounded_rectangle((150, top, SIZE - 150, top + 80), radius=24, fill=fill)
    else:
        draw.rounded_rectangle(box, radius=60, fill=fill)


def picture(type_code, colour):
    """JPEG bytes (800×800) of one product type in one colour."""
    kind = V.PRODUCT_TYPES[type_code]
    rgb = _rgb(colour)
    image = Image.new("RGB", (SIZE, SIZE), (250, 250, 248))
    draw = ImageDraw.Draw(image)
    _shape(draw, kind["shape"], rgb)
    light = sum(rgb) > 600
    text_colour = (40, 40, 40) if light else (255, 255, 255)
    if kind["shape"] == "disc":
        text_colour = (40, 40, 40)
    # A triangle's middle sits low; a disc's hole is smaller than the shape.
    middle = SIZE // 2 + (90 if kind["shape"] == "triangle" else 0)
    size = 140 if kind["shape"] in ("disc", "triangle") else 170
    draw.text((SIZE // 2, middle), initials(type_code), font=_font(size), fill=text_colour, anchor="mm")
    brand = V.BRANDS[kind["brand"]]["name"]
    draw.text((SIZE // 2, SIZE - 60), brand, font=_font(44), fill=(90, 90, 90), anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def manual_pdf(type_code, language):
    """A one-page PDF "user manual" of a product type in one language."""
    kind = V.PRODUCT_TYPES[type_code]
    page = Image.new("RGB", (595, 842), (255, 255, 255))  # A4 at 72 dpi
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 595, 90), fill=_rgb(kind["colours"][0]))
    draw.text((40, 45), V.MANUAL_TITLE[language], font=_font(30), fill=(255, 255, 255), anchor="lm")
    draw.text((40, 140), kind["names"][language], font=_font(26), fill=(30, 30, 30))
    draw.text((40, 190), kind["uses"][language], font=_font(14), fill=(60, 60, 60))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72)
    return out.getvalue()

"""CMYK for print: the configured ICC profile, colour parsing and photo conversion with Pillow's ImageCms.

- ``icc_profile_path()``: ``settings.PIM_PRINT_ICC_PROFILE`` (the print shop's
  CMYK profile, e.g. FOGRA39) or Debian's ``libgs-common`` default CMYK
  profile. The same file becomes the PDF/X OutputIntent and drives every
  conversion, so colours and photos are separated for that press.
- ``css_cmyk(rgb_hex, cmyk_text)``: a campaign colour as CSS
  ``device-cmyk(c m y k)``; the ink percentages typed in the admin win,
  otherwise the RGB colour is converted through the profile.
- ``cmyk_jpeg(path, max_pixels=…)``: a photo as CMYK JPEG bytes (alpha
  flattened on white, downsampled to what the print needs).
"""

import io
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageCms

# Debian package libgs-common (pulled in by ghostscript); fine for proofs and
# tests, a print shop supplies its own (FOGRA39, GRACoL …).
DEFAULT_ICC_PROFILE = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

_CMYK_TEXT = re.compile(r"^\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*$")
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")

# Pure black ink, and the colour that prints on every plate (crop marks).
BLACK_INK = (0.0, 0.0, 0.0, 1.0)
REGISTRATION = (1.0, 1.0, 1.0, 1.0)


class ProfileError(ValueError):
    """The configured ICC profile is missing or is not a CMYK output profile."""


def icc_profile_path():
    """The CMYK ICC profile prints are separated for (``PIM_PRINT_ICC_PROFILE``)."""
    return Path(getattr(settings, "PIM_PRINT_ICC_PROFILE", None) or DEFAULT_ICC_PROFILE)


@lru_cache(maxsize=8)
def _profile(path, mtime):
    try:
        profile = ImageCms.getOpenProfile(str(path))
    except (OSError, ImageCms.PyCMSError) as error:
        raise ProfileError(_("Cannot read the ICC profile %(path)s: %(error)s") % {"path": path, "error": error}) from None
    if profile.profile.xcolor_space.strip() != "CMYK":
        raise ProfileError(_("The ICC profile %(path)s is not a CMYK profile.") % {"path": path})
    try:
        # The PDF embeds the profile as LittleCMS writes it back; some files cannot be.
        profile.tobytes()
    except OSError as error:
        raise ProfileError(_("The ICC profile %(path)s cannot be embedded: %(error)s")
                           % {"path": path, "error": error}) from None
    return profile


def load_profile(path=None):
    """The ImageCms profile of ``path`` (default: the configured one), checked to be CMYK."""
    path = Path(path or icc_profile_path())
    if not path.is_file():
        raise ProfileError(_("The ICC profile %(path)s does not exist (PIM_PRINT_ICC_PROFILE).") % {"path": path})
    return _profile(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _rgb_to_cmyk_transform(path, mtime):
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), _profile(path, mtime), "RGB", "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )


def _transform(path=None):
    path = Path(path or icc_profile_path())
    load_profile(path)
    return _rgb_to_cmyk_transform(str(path), path.stat().st_mtime_ns)


def parse_hex(text):
    """(r, g, b) 0–255 of ``#RRGGBB``."""
    match = _HEX.match(text or "")
    if not match:
        raise ValueError(f"not an #RRGGBB colour: {text!r}")
    value = match.group(1)
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def parse_cmyk(text):
    """(c, m, y, k) fractions 0–1 of ink percentages ``"100,60,0,5"``, or None when empty."""
    if not (text or "").strip():
        return None
    match = _CMYK_TEXT.match(text)
    if not match:
        raise ValueError(f"not four CMYK percentages: {text!r}")
    values = tuple(float(part) / 100 for part in match.groups())
    if any(value > 1 for value in values):
        raise ValueError(f"CMYK percentages go up to 100: {text!r}")
    return values


def rgb_to_cmyk(rgb_hex, profile_path=None):
    """(c, m, y, k) fractions of an sRGB ``#RRGGBB`` separated through the CMYK profile."""
    pixel = Image.new("RGB", (1, 1), parse_hex(rgb_hex))
    converted = ImageCms.applyTransform(pixel, _transform(profile_path))
    return tuple(round(channel / 255, 3) for channel in converted.getpixel((0, 0)))


def device_cmyk(values):
    """CSS ``device-cmyk(c m y k)`` of (c, m, y, k) fractions."""
    return "device-cmyk({})".format(" ".join(f"{value:.3f}".rstrip("0").rstrip(".") or "0" for value in values))


def css_cmyk(rgb_hex, cmyk_text="", profile_path=None):
    """A campaign colour for print: the given ink percentages, else the RGB colour separated."""
    values = parse_cmyk(cmyk_text) or rgb_to_cmyk(rgb_hex, profile_path)
    return device_cmyk(values)


def cmyk_jpeg(source, *, max_pixels=None, quality=90, profile_path=None):
    """``(jpeg_bytes, (width, height))`` of the image file ``source`` in CMYK for the profile.

    Transparent areas become white paper; CMYK sources are kept as they
    are; ``max_pixels`` (w, h) caps the size: more pixels than the print
    needs only make the file heavy.
    """
    with Image.open(source) as image:
        image.load()
        if max_pixels and (image.width > max_pixels[0] or image.height > max_pixels[1]):
            image.thumbnail(max_pixels, Image.Resampling.LANCZOS)
        if image.mode != "CMYK":
            if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
                rgba = image.convert("RGBA")
                image = Image.new("RGB", rgba.size, (255, 255, 255))
                image.paste(rgba, mask=rgba.getchannel("A"))
            else:
                image = image.convert("RGB")
            image = ImageCms.applyTransform(image, _transform(profile_path))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True)
        return buffer.getvalue(), image.size


__all__ = [
    "BLACK_INK", "DEFAULT_ICC_PROFILE", "REGISTRATION", "ProfileError", "cmyk_jpeg", "css_cmyk", "device_cmyk",
    "icc_profile_path", "load_profile", "parse_cmyk", "parse_hex", "rgb_to_cmyk",
]

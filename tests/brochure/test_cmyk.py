"""CMYK conversions through the configured ICC profile: colours, photos, a wrong profile."""

import io

import pytest
from PIL import Image

from publishing.pdf import cmyk


def test_parse_cmyk_percentages():
    assert cmyk.parse_cmyk("100, 60,0,5") == (1.0, 0.6, 0.0, 0.05)
    assert cmyk.parse_cmyk("") is None
    with pytest.raises(ValueError):
        cmyk.parse_cmyk("120,0,0,0")
    with pytest.raises(ValueError):
        cmyk.parse_cmyk("#ff0000")


def test_css_colour_prefers_given_inks_else_separates_rgb():
    assert cmyk.css_cmyk("#0b5cad", "100,60,0,5") == "device-cmyk(1 0.6 0 0.05)"
    c, m, y, k = cmyk.rgb_to_cmyk("#0b5cad")
    assert c > 0.8 and m > 0.4 and y < 0.2  # a blue needs cyan and magenta, hardly any yellow
    assert cmyk.css_cmyk("#0b5cad").startswith("device-cmyk(")
    white = cmyk.rgb_to_cmyk("#ffffff")
    assert max(white) < 0.02


def test_default_profile_is_a_cmyk_file(settings):
    if hasattr(settings, "PIM_PRINT_ICC_PROFILE"):
        del settings.PIM_PRINT_ICC_PROFILE
    assert str(cmyk.icc_profile_path()) == cmyk.DEFAULT_ICC_PROFILE
    assert cmyk.load_profile() is not None


def test_rgb_profile_is_refused(settings):
    settings.PIM_PRINT_ICC_PROFILE = "/usr/share/color/icc/ghostscript/srgb.icc"
    with pytest.raises(cmyk.ProfileError):
        cmyk.load_profile()
    settings.PIM_PRINT_ICC_PROFILE = "/nonexistent/profile.icc"
    with pytest.raises(cmyk.ProfileError):
        cmyk.load_profile()


def test_photo_becomes_cmyk_jpeg_with_transparency_on_white(tmp_path):
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (400, 200), (200, 20, 20, 255))
    image.paste((0, 0, 0, 0), (0, 0, 100, 200))  # transparent left quarter
    image.save(source)
    data, size = cmyk.cmyk_jpeg(source, max_pixels=(200, 200))
    result = Image.open(io.BytesIO(data))
    assert result.format == "JPEG" and result.mode == "CMYK" and size == (200, 100) == result.size
    paper = result.getpixel((10, 50))
    assert max(paper) < 10  # transparent → white paper, no ink
    c, m, y, _k = result.getpixel((150, 50))
    assert m > 200 and y > 200 and c < 80  # red → magenta + yellow

"""Shared WeasyPrint wrapper: one place that turns HTML + CSS into a PDF safely.

Interface (catalog, datasheet, labels and the brochure builder all call it)::

    from publishing.pdf.render import render_pdf, font_files

    result = render_pdf(
        html,                          # str: the whole HTML document
        base_url=settings.PIM_BASE_URL + "/",   # resolves relative URLs
        stylesheets=(Path(".../catalog.css"), "@page { size: A4 }"),
        write_to=handle,               # binary file object; None → result.pdf bytes
        phase=lambda name: ...,        # optional: called with "layout", "write"
        pdf_variant="pdf/x-4", ...,    # any other WeasyPrint option
    )
    result.pages          # number of pages
    result.refused        # [(url, reason)] the fetcher refused (log them)
    result.pdf            # bytes when write_to is None
    result.anchors        # [[anchor id, …] per page] (where each #id landed)

- Every resource (HTML, stylesheets, @import, url(), images, fonts) is loaded
  through :class:`publishing.pdf.fetcher.SafeFetcher` (pass ``url_fetcher=``
  to supply your own instance).
- ``stylesheets`` items: a ``pathlib.Path`` (a CSS file), a ``str`` (CSS
  source) or a ready ``weasyprint.CSS``. All share one
  ``weasyprint.text.fonts.FontConfiguration`` (``@font-face`` works) and one
  colour-profile registry (``@color-profile device-cmyk`` works); pass
  ``font_config=`` / ``color_profiles=`` to share them with CSS you built.
- :func:`font_files` lists the font files behind font family names, for the
  content hash of cached renders ("fonts changed → re-render").
"""

import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from publishing.pdf.fetcher import SafeFetcher

# The families the project's print templates ask for (Latin + Cyrillic).
DEFAULT_FONT_FAMILIES = ("Noto Sans", "Noto Serif")


@dataclass
class RenderResult:
    pages: int
    refused: list = field(default_factory=list)
    pdf: bytes | None = None
    anchors: list = field(default_factory=list)


def build_stylesheets(stylesheets, *, base_url=None, url_fetcher, font_config, color_profiles):
    """weasyprint.CSS objects for render_pdf's ``stylesheets`` items."""
    built = []
    for item in stylesheets:
        if isinstance(item, CSS):
            built.append(item)
        elif isinstance(item, Path):
            built.append(CSS(
                filename=str(item), url_fetcher=url_fetcher,
                font_config=font_config, color_profiles=color_profiles,
            ))
        else:
            built.append(CSS(
                string=str(item), base_url=base_url, url_fetcher=url_fetcher,
                font_config=font_config, color_profiles=color_profiles,
            ))
    return built


def render_pdf(html, *, base_url=None, stylesheets=(), write_to=None, url_fetcher=None,
               font_config=None, color_profiles=None, phase=None, **options):
    """Render ``html`` to PDF (into ``write_to`` or returned as bytes); see module doc."""
    fetcher = url_fetcher or SafeFetcher()
    font_config = font_config or FontConfiguration()
    color_profiles = {} if color_profiles is None else color_profiles
    css = build_stylesheets(
        stylesheets, base_url=base_url, url_fetcher=fetcher,
        font_config=font_config, color_profiles=color_profiles,
    )
    if phase:
        phase("layout")
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=font_config, color_profiles=color_profiles, stylesheets=css, **options,
    )
    if phase:
        phase("write")
    pdf = document.write_pdf(write_to, stylesheets=css, **options)
    return RenderResult(
        pages=len(document.pages), refused=list(fetcher.refused), pdf=pdf,
        anchors=[sorted(page.anchors) for page in document.pages],
    )


@lru_cache(maxsize=32)
def _font_files(family):
    try:
        listing = subprocess.run(
            ["fc-list", f"{family}", "file"], capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted(line.strip().rstrip(":") for line in listing.splitlines() if line.strip()))


def font_files(families=DEFAULT_FONT_FAMILIES):
    """[(path, size)] of the installed files of these font families (fontconfig)."""
    files = []
    for family in families:
        for path in _font_files(family):
            try:
                files.append((path, Path(path).stat().st_size))
            except OSError:
                continue
    return files

"""The campaign brochure: a print-ready PDF/X-4 in CMYK with bleed, or an RGB screen PDF, per language.

``render_brochure(code, locale, variant="print", progress=None, log=None) -> Artifact``
is what the job kind, the command and the admin all call.

Print variant (what a print shop's preflight accepts):

- ``@page { bleed: 3mm }``: TrimBox = the A4/A5 page, BleedBox = MediaBox =
  trim + 3 mm on each side; backgrounds that touch the edge run into the bleed;
- PDF/X-4 with an OutputIntent made from the configured CMYK profile
  (``PIM_PRINT_ICC_PROFILE``, see :mod:`publishing.pdf.cmyk`), declared as
  ``@color-profile device-cmyk`` so every CSS colour is ``device-cmyk()``;
- photos separated to CMYK JPEG with ImageCms through that profile (cached in
  media storage by content hash); a warning (job log and ``Artifact.meta``)
  for every photo printed below 300 dpi;
- QR codes in pure black ink; crop marks, when the brochure asks for them,
  drawn by us in registration colour (WeasyPrint's own marks are RGB).

Screen variant: the same content in RGB, no bleed, smaller photos.

Products come from the published documents of the brochure's channel in
that language; a product not published there is skipped and logged.
"""

import hashlib
import io
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from PIL import Image

from pim.formatting import format_date
from publishing.artifacts import content_hash, file_hash, store_artifact
from publishing.campaigns import ensure_short_links, short_url
from publishing.models import Brochure
from publishing.pdf import cmyk, common
from publishing.pdf import render as pdf_render
from publishing.pdf.fetcher import SafeFetcher
from publishing.pdf.qr import CMYK_BLACK, qr_svg

KIND = "brochure"
TEMPLATES = ("pdf/brochure/brochure.html", "pdf/brochure/_product.html")
STYLESHEETS = ("pdf/brochure/brochure.css",)
MODULES = ("brochure.py", "cmyk.py", "qr.py")  # the code that draws the brochure (cache key)
VARIANTS = ("print", "screen")
BLEED_MM = 3
MIN_DPI = 300
# Photos are downsampled to this resolution at their printed size: more only weighs.
MAX_PRINT_DPI = 450
SCREEN_PHOTO_WIDTH = 800
QR_MM = 22
QR_ERROR_CORRECTION = "M"
CMYK_CACHE = "pdf-cmyk"

# Page geometry per page size (mm): the photo box decides the printed size,
# hence the effective resolution of each photo.
LAYOUT = {
    "A4": {"size": (210, 297), "margin": 12, "photo": (86, 52)},
    "A5": {"size": (148, 210), "margin": 9, "photo": (61, 36)},
}


class BrochureFetcher(SafeFetcher):
    """The project's safe fetcher plus exactly one extra file: the ICC profile the CSS names."""

    def __init__(self, profile_path=None, **kwargs):
        super().__init__(**kwargs)
        self.profile_url = Path(profile_path).resolve().as_uri() if profile_path else None

    def fetch(self, url, headers=None):
        from weasyprint.urls import URLFetcherResponse

        if self.profile_url and url == self.profile_url:
            self.served.append(url)
            return URLFetcherResponse(url, Path(self.profile_url[len("file://"):]).read_bytes(),
                                      {"Content-Type": "application/vnd.iccprofile"})
        return super().fetch(url, headers)


# --- inputs -------------------------------------------------------------------------

def get_brochure(code):
    try:
        return Brochure.objects.select_related("channel").prefetch_related("translations").get(code=code)
    except Brochure.DoesNotExist:
        raise common.RenderInputError(_("Unknown brochure: %(code)s") % {"code": code}) from None


def check_locale(brochure, locale):
    """``locale`` must be one of the brochure's languages (a configured one)."""
    known = [code for code in brochure.language_codes if code in common.language_codes()]
    if locale not in known:
        raise common.RenderInputError(
            _("Brochure %(code)s is not printed in %(locale)s (it is in: %(known)s)")
            % {"code": brochure.code, "locale": locale, "known": ", ".join(known) or "-"},
        )
    return locale


def check_variant(variant):
    if variant not in VARIANTS:
        raise common.RenderInputError(
            _("Unknown variant: %(variant)s (known: %(known)s)") % {"variant": variant, "known": ", ".join(VARIANTS)},
        )
    return variant


def brochure_skus(brochure):
    return list(brochure.items.order_by("position", "pk").values_list("product__sku", flat=True))


def brochure_fields(brochure, locale):
    """Everything of the Brochure row that shapes the PDF (for the content hash and the template)."""
    with override(locale):
        translation = brochure.safe_translation_getter
        return {
            "code": brochure.code,
            "title": translation("title", language_code=locale, any_language=True) or brochure.code,
            "banner": translation("banner", language_code=locale, any_language=True) or "",
            "page_size": brochure.page_size,
            "promo_code": brochure.promo_code,
            "primary_color": brochure.primary_color,
            "primary_cmyk": brochure.primary_cmyk,
            "accent_color": brochure.accent_color,
            "accent_cmyk": brochure.accent_cmyk,
            "typeface": brochure.typeface,
            "crop_marks": brochure.crop_marks,
            "valid_from": brochure.valid_from.isoformat() if brochure.valid_from else None,
            "valid_until": brochure.valid_until.isoformat() if brochure.valid_until else None,
        }


def validity_text(brochure, locale):
    start = format_date(brochure.valid_from, locale) if brochure.valid_from else None
    end = format_date(brochure.valid_until, locale) if brochure.valid_until else None
    if start and end:
        return _("Valid %(start)s – %(end)s") % {"start": start, "end": end}
    if end:
        return _("Valid until %(end)s") % {"end": end}
    if start:
        return _("Valid from %(start)s") % {"start": start}
    return ""


# --- colours and stylesheet -----------------------------------------------------------

def colours(fields, variant, profile_path):
    """CSS colours of the brochure: device-cmyk() for print, hex for the screen."""
    if variant == "screen":
        return {"ink": "#1a1a1a", "muted": "#5c5c5c", "paper": "#ffffff", "rule": "#d0d0d0",
                "primary": fields["primary_color"], "accent": fields["accent_color"], "qr": "#000000"}
    return {
        "ink": cmyk.device_cmyk((0, 0, 0, 0.9)),
        "muted": cmyk.device_cmyk((0, 0, 0, 0.65)),
        "paper": cmyk.device_cmyk((0, 0, 0, 0)),
        "rule": cmyk.device_cmyk((0, 0, 0, 0.2)),
        "primary": cmyk.css_cmyk(fields["primary_color"], fields["primary_cmyk"], profile_path),
        "accent": cmyk.css_cmyk(fields["accent_color"], fields["accent_cmyk"], profile_path),
        "qr": CMYK_BLACK,
    }


def variant_css(fields, variant, palette, profile_path):
    """The per-brochure stylesheet: page size, bleed, profile, typeface and colours."""
    layout = LAYOUT[fields["page_size"]]
    family = '"Noto Serif", "DejaVu Serif", serif' if fields["typeface"] == "serif" else \
        '"Noto Sans", "DejaVu Sans", sans-serif'
    lines = []
    if variant == "print":
        lines.append(f'@color-profile device-cmyk {{ src: url("{Path(profile_path).resolve().as_uri()}"); components: c, m, y, k; }}')
        page = f"size: {fields['page_size']}; bleed: {BLEED_MM}mm; marks: none;"
    else:
        page = f"size: {fields['page_size']}; bleed: 0; marks: none;"
    margin = layout["margin"]
    photo_w, photo_h = layout["photo"]
    lines += [
        f"@page {{ {page} margin: {margin}mm {margin}mm {margin + 6}mm; background: {palette['paper']};"
        f" @bottom-left {{ content: string(brochure-title); color: {palette['muted']}; }}"
        f" @bottom-right {{ content: counter(page) \" / \" counter(pages); color: {palette['muted']}; }} }}",
        f"html {{ font-family: {family}; color: {palette['ink']}; }}",
        f".band {{ background: {palette['primary']}; color: {palette['paper']};"
        f" margin: -{margin + BLEED_MM}mm -{margin + BLEED_MM}mm 6mm;"
        f" padding: {margin + BLEED_MM}mm {margin + BLEED_MM}mm 5mm; }}",
        f".promo {{ border-color: {palette['accent']}; }}",
        f".promo strong, .price {{ color: {palette['primary']}; }}",
        f".price .regular, .muted, .short-url, .validity {{ color: {palette['muted']}; }}",
        f".product {{ border-color: {palette['rule']}; }}",
        f".badge {{ background: {palette['accent']}; color: {palette['ink']}; }}",
        f".photo {{ width: {photo_w}mm; height: {photo_h}mm; }}",
        f".qr svg {{ width: {QR_MM}mm; height: {QR_MM}mm; }}",
        f"a {{ color: {palette['ink']}; }}",
    ]
    return "\n".join(lines)


# --- photos ---------------------------------------------------------------------------

def _largest_source(document):
    """(url, bytes) of the largest readable file of the main image (original first), or None."""
    images = document.get("images") or []
    if not images:
        return None
    image = images[0]
    candidates = [(image.get("width") or 0, image.get("url"))]
    candidates += [(r.get("width") or 0, r.get("url")) for r in image.get("renditions") or []
                   if (r.get("format") or "").lower() in ("jpeg", "jpg", "png", "webp")]
    for _width, url in sorted(candidates, key=lambda c: -c[0]):
        data = common.read_source(url) if url else None
        if data is not None:
            return url, data
    return None


def effective_dpi(pixels, box_mm):
    """Resolution of an image of ``pixels`` (w, h) fitted (contain) into ``box_mm`` (w, h)."""
    scale_mm = min(box_mm[0] / pixels[0], box_mm[1] / pixels[1])  # mm per pixel
    return 25.4 / scale_mm


def print_photo(document, box_mm, profile_path, profile_digest):
    """(media URL of the CMYK JPEG, effective dpi) for a document's main image, or (None, None).

    Conversions are stored once per source bytes × profile × size under
    ``pdf-cmyk/`` in media storage, so a re-render reuses them. An unreadable
    image raises :class:`PhotoError`.
    """
    found = _largest_source(document)
    if found is None:
        return None, None
    url, data = found
    try:
        with Image.open(io.BytesIO(data)) as probe:
            pixels = probe.size
        dpi = effective_dpi(pixels, box_mm)
        limit = (round(box_mm[0] / 25.4 * MAX_PRINT_DPI), round(box_mm[1] / 25.4 * MAX_PRINT_DPI))
        name = f"{CMYK_CACHE}/{content_hash(hashlib.sha256(data).hexdigest(), profile_digest, limit)[:40]}.jpg"
        if not default_storage.exists(name):
            jpeg, _size = cmyk.cmyk_jpeg(io.BytesIO(data), max_pixels=limit, profile_path=profile_path)
            name = default_storage.save(name, ContentFile(jpeg))
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoError(f"{url[:120]}: {error}") from None
    return settings.PIM_MEDIA_URL + name, dpi


class PhotoError(ValueError):
    """A product photo that cannot be read or converted (the product prints without it)."""


# --- content --------------------------------------------------------------------------

def product_block(document, link, locale, *, variant, palette, photo):
    return {
        "sku": document["sku"],
        "name": document.get("name") or document["sku"],
        "brand": document.get("brand") or "",
        "short_description": document.get("short_description") or "",
        "price": common.price_text(document.get("price"), locale),
        "image": photo,
        "image_alt": ((document.get("images") or [{}])[0].get("alt") or document.get("name") or ""),
        "qr": qr_svg(short_url(link), error_correction=QR_ERROR_CORRECTION, size_mm=QR_MM, color=palette["qr"]),
        "short_url": short_url(link),
        "short_url_display": short_url(link).split("://", 1)[-1],
    }


def render_brochure(code, locale, *, variant="print", progress=None, log=None):
    """Render (or reuse) brochure ``code`` in ``locale`` as ``variant``; returns the Artifact."""
    reporter = common.Reporter(progress, log)
    check_variant(variant)
    brochure = get_brochure(code)
    check_locale(brochure, locale)
    channel = brochure.channel
    profile_path = None
    profile_digest = ""
    if variant == "print":
        profile_path = cmyk.icc_profile_path()
        try:
            cmyk.load_profile(profile_path)
        except cmyk.ProfileError as error:
            raise common.RenderInputError(str(error)) from None
        profile_digest = file_hash(profile_path)
    fields = brochure_fields(brochure, locale)
    skus = brochure_skus(brochure)
    links = ensure_short_links(brochure, languages=[locale])
    by_sku = {row[0]: row for row in common.snapshots(channel, locale, skus)}
    skipped = [sku for sku in skus if sku not in by_sku]
    rows = [by_sku[sku] for sku in skus if sku in by_sku]
    steps_total = len(rows) + 2
    stylesheets = [common.static_path(name) for name in STYLESHEETS]
    key = common.inputs_hash(
        KIND, rows=rows, templates=TEMPLATES, stylesheets=stylesheets, locale=locale, modules=MODULES,
        extra={
            "brochure": fields, "variant": variant, "locale": locale, "channel": channel.code,
            "skus": [row[0] for row in rows], "links": {sku: links[(sku, locale)].code for sku, *_ in rows},
            "profile": profile_digest, "layout": LAYOUT, "qr_mm": QR_MM,
        },
    )
    subject = f"{brochure.code}:{variant}"
    for sku in skipped:
        reporter.log(_("Skipped %(sku)s: not published on %(channel)s in %(locale)s.")
                     % {"sku": sku, "channel": channel.code, "locale": locale}, "warning")
    artifact = common.cached(KIND, key, channel=channel, locale=locale, subject=subject, reporter=reporter,
                             steps_total=steps_total)
    if artifact is not None:
        for message in (artifact.meta or {}).get("warnings", []):
            reporter.log(message, "warning")
        return artifact
    if not rows:
        raise common.RenderInputError(
            _("Brochure %(code)s has no product published on %(channel)s in %(locale)s.")
            % {"code": brochure.code, "channel": channel.code, "locale": locale},
        )
    reporter.log(_("Rendering brochure %(code)s (%(variant)s) in %(locale)s: %(count)d products.")
                 % {"code": brochure.code, "variant": variant, "locale": locale, "count": len(rows)})
    reporter.progress(0, steps_total, _("preparing products"))
    palette = colours(fields, variant, profile_path)
    box_mm = LAYOUT[fields["page_size"]]["photo"]
    warnings = []
    blocks = []
    with override(locale):
        for index, (sku, _hash, _seq, document) in enumerate(rows, start=1):
            if variant == "print":
                try:
                    photo, dpi = print_photo(document, box_mm, profile_path, profile_digest)
                except PhotoError as error:
                    photo, dpi = None, None
                    message = _("%(sku)s: photo left out, it cannot be converted (%(error)s).") % {
                        "sku": sku, "error": error}
                    warnings.append(message)
                    reporter.log(message, "warning")
                if dpi is not None and dpi < MIN_DPI:
                    message = _("%(sku)s: photo prints at %(dpi)d dpi (under %(min)d dpi).") % {
                        "sku": sku, "dpi": int(dpi), "min": MIN_DPI}
                    warnings.append(message)
                    reporter.log(message, "warning")
            else:
                photo = common.image_src(document, max_width=SCREEN_PHOTO_WIDTH)
            blocks.append(product_block(document, links[(sku, locale)], locale, variant=variant,
                                        palette=palette, photo=photo))
            reporter.progress(index, steps_total, _("product %(sku)s") % {"sku": sku})
        context = {
            "locale": locale,
            "variant": variant,
            "brochure": fields,
            "validity": validity_text(brochure, locale),
            "products": blocks,
            "generated_on": common.generated_on(locale),
        }
        html = render_to_string(TEMPLATES[0], context)
    css = variant_css(fields, variant, palette, profile_path)
    state = {}

    def writer(handle):
        started = time.monotonic()
        reporter.progress(len(rows) + 1, steps_total, _("laying out pages"))
        options = {"pdf_variant": "pdf/x-4"} if variant == "print" else {}
        result = pdf_render.render_pdf(
            html, base_url=settings.PIM_BASE_URL + "/", stylesheets=[*stylesheets, css],
            url_fetcher=BrochureFetcher(profile_path), **options,
        )
        pdf = result.pdf
        if variant == "print" and fields["crop_marks"]:
            pdf = add_crop_marks(pdf)
        handle.write(pdf)
        state["result"] = result
        state["seconds"] = round(time.monotonic() - started, 3)

    artifact = store_artifact(KIND, key, writer, filename=f"brochure-{brochure.code}-{locale}-{variant}.pdf",
                              channel=channel, locale=locale, format="pdf", subject=subject)
    result = state.get("result")
    if result is not None:
        for url, reason in result.refused:
            reporter.log(_("Refused %(url)s: %(reason)s") % {"url": url[:200], "reason": reason}, "warning")
        artifact.meta = {
            "brochure": brochure.code,
            "variant": variant,
            "pages": result.pages,
            "products": len(rows),
            "skipped": skipped,
            "warnings": warnings,
            "short_links": {block["sku"]: block["short_url"] for block in blocks},
            "icc_profile": str(profile_path) if profile_path else None,
            "render_seconds": state["seconds"],
            "refused_urls": [url[:200] for url, _reason in result.refused],
            "rendered_at": datetime.now(tz=timezone.get_current_timezone()).isoformat(),
        }
        artifact.save(update_fields=["meta"])
        reporter.log(_("Rendered %(pages)d pages in %(seconds)s s.") % {"pages": result.pages, "seconds": state["seconds"]})
    reporter.progress(steps_total, steps_total, _("done"))
    return artifact


# --- crop marks ----------------------------------------------------------------------

def crop_mark_operators(trim, bleed, gap=2.0, width=0.25):
    """PDF operators drawing crop marks in the bleed, on the trim lines, in registration colour."""
    left, bottom, right, top = trim
    b_left, b_bottom, b_right, b_top = bleed
    c, m, y, k = cmyk.REGISTRATION
    ops = [f"q {width} w 0 J {c} {m} {y} {k} K"]
    for x in (left, right):
        for y_edge, y_bleed in ((bottom, b_bottom), (top, b_top)):
            direction = -1 if y_edge == bottom else 1
            ops.append(f"{x:.3f} {y_edge + direction * gap:.3f} m {x:.3f} {y_bleed:.3f} l S")
    for y_line in (bottom, top):
        for x_edge, x_bleed in ((left, b_left), (right, b_right)):
            direction = -1 if x_edge == left else 1
            ops.append(f"{x_edge + direction * gap:.3f} {y_line:.3f} m {x_bleed:.3f} {y_line:.3f} l S")
    ops.append("Q")
    return "\n".join(ops).encode()


def add_crop_marks(pdf_bytes):
    """The PDF with CMYK crop marks added to every page (document catalog, OutputIntents and header kept)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    # pypdf writes %PDF-1.3 unless told otherwise; PDF/X-4 with transparency needs WeasyPrint's own.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)), keep_initial_header=True)
    for page in writer.pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        before, after = DecodedStreamObject(), DecodedStreamObject()
        # Wrap the page's own content in q/Q so its transforms do not move the marks.
        before.set_data(b"q\n")
        after.set_data(b"\nQ\n" + crop_mark_operators(trim, bleed))
        contents = page.raw_get("/Contents")
        resolved = contents.get_object()
        parts = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(before), *parts, writer._add_object(after)],
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

"""Product images: upload validation with Pillow, storage by content hash and
renditions (WebP and JPEG at the configured widths) made once and reused.

Every path that brings an image in (admin, API, import, demo loader) calls
``ingest_image``; the document builder asks ``rendition_plan`` for stable
rendition URLs and ``ensure_renditions`` makes the files.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import ImageFile, Rendition

# Pillow format name -> file extension of the stored original.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tif"}
# Rendition format (as in PIM_RENDITION_FORMATS) -> (Pillow format, extension).
RENDITION_FORMATS = {"webp": ("WEBP", "webp"), "jpeg": ("JPEG", "jpg"), "jpg": ("JPEG", "jpg")}
JPEG_QUALITY = 85
WEBP_QUALITY = 80


@dataclass(frozen=True)
class ImageInfo:
    """What validation learnt about an accepted upload."""

    format: str
    width: int
    height: int
    size_bytes: int
    sha256: str
    data: bytes


def _megabytes(value):
    return f"{value / (1024 * 1024):.1f}"


def _read_bytes(file_or_bytes):
    """The upload's bytes, reading at most one byte past the limit."""
    limit = settings.PIM_IMAGE_MAX_BYTES
    if isinstance(file_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(file_or_bytes)
    else:
        size = getattr(file_or_bytes, "size", None)
        if size is not None and size > limit:
            raise ValidationError(
                _("The image is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": _megabytes(size), "limit": _megabytes(limit)},
                code="image_too_large",
            )
        if hasattr(file_or_bytes, "seek"):
            file_or_bytes.seek(0)
        data = file_or_bytes.read(limit + 1)
        if hasattr(file_or_bytes, "seek"):
            file_or_bytes.seek(0)
    if len(data) > limit:
        raise ValidationError(
            _("The image is larger than the limit of %(limit)s MB.") % {"limit": _megabytes(limit)},
            code="image_too_large",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="image_empty")
    return data


def validate_image(uploaded_file):
    """Check an upload and return its ``ImageInfo``; raise ``ValidationError``
    with a clear message for a non-image, a too large file, too many pixels,
    a decompression bomb, a format not allowed, or a truncated file."""
    data = _read_bytes(uploaded_file)
    max_pixels = settings.PIM_IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format, image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        _("The image has %(pixels)s pixels (%(width)d×%(height)d); the limit is %(limit)s.")
                        % {"pixels": f"{width * height:,}", "width": width, "height": height,
                           "limit": f"{max_pixels:,}"},
                        code="image_too_many_pixels",
                    )
                if fmt not in settings.PIM_IMAGE_FORMATS:
                    raise ValidationError(
                        _("%(format)s images are not accepted; use one of: %(allowed)s.")
                        % {"format": fmt, "allowed": ", ".join(settings.PIM_IMAGE_FORMATS)},
                        code="image_format",
                    )
                image.verify()
            # verify() misses some truncations; decoding the pixels finds them.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image was refused as a possible decompression bomb: its declared size is far too large."),
            code="image_bomb",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("The file is not an image (or not an image format the hub can read)."), code="image_invalid",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(_("The image is damaged or truncated."), code="image_corrupt") from None
    return ImageInfo(
        format=fmt, width=width, height=height, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), data=data,
    )


def original_name(sha256, fmt):
    return f"images/{sha256[:2]}/{sha256}.{EXTENSIONS.get(fmt, fmt.lower())}"


def ingest_image(file_or_bytes, *, name=None, renditions=True):
    """Validate an image and return the ``ImageFile`` of its content: an
    existing one when the same bytes were uploaded before (by sha256).

    A new file gets its renditions right away (``renditions=False`` leaves
    them to ``make_missing_renditions``, e.g. for bulk loads), so the
    rendition URLs that documents carry resolve from the start. ``name`` is
    the original file name; storage names derive from the content hash."""
    info = validate_image(file_or_bytes)
    existing = ImageFile.objects.filter(sha256=info.sha256).first()
    if existing is not None:
        return existing
    stored = original_name(info.sha256, info.format)
    if not default_storage.exists(stored):
        stored = default_storage.save(stored, ContentFile(info.data))
    image_file = ImageFile(
        sha256=info.sha256, width=info.width, height=info.height,
        format=info.format, size_bytes=info.size_bytes,
    )
    image_file.file.name = stored
    try:
        with transaction.atomic():
            image_file.save()
    except IntegrityError:  # the same bytes were ingested concurrently
        return ImageFile.objects.get(sha256=info.sha256)
    if renditions:
        ensure_renditions(image_file)
    return image_file


# --- renditions --------------------------------------------------------------

def _normal_format(fmt):
    fmt = (fmt or "").lower()
    if fmt not in RENDITION_FORMATS:
        raise ValueError(f"unknown rendition format {fmt!r}")
    return "jpeg" if fmt == "jpg" else fmt


def rendition_widths(image_file):
    """The configured widths not wider than the original (never upscaled); an
    image narrower than every configured width gets one at its own width."""
    widths = sorted(w for w in settings.PIM_RENDITION_WIDTHS if not image_file.width or w <= image_file.width)
    return widths or ([image_file.width] if image_file.width else [])


def rendition_name(sha256, width, fmt):
    """Deterministic storage name: renditions/ab/abcdef…-640.webp."""
    _pillow, ext = RENDITION_FORMATS[_normal_format(fmt)]
    return f"renditions/{sha256[:2]}/{sha256}-{width}.{ext}"


def rendition_plan(image_file):
    """[(width, format, relative file name)] of every rendition the image has
    or would get, so documents can carry stable URLs before files exist."""
    return [
        (width, _normal_format(fmt), rendition_name(image_file.sha256, width, fmt))
        for width in rendition_widths(image_file)
        for fmt in settings.PIM_RENDITION_FORMATS
    ]


def _known_rendition(image_file, width, fmt):
    cache = getattr(image_file, "_prefetched_objects_cache", {}).get("renditions")
    if cache is not None:
        return next((r for r in cache if r.width == width and r.format == fmt), None)
    return Rendition.objects.filter(image_file=image_file, width=width, format=fmt).first()


def _render(image_file, width, fmt):
    pillow_format, _ext = RENDITION_FORMATS[fmt]
    with image_file.file.open("rb") as handle, Image.open(handle) as source:
        image = ImageOps.exif_transpose(source)
        if getattr(image, "n_frames", 1) > 1:
            image.seek(0)
        height = max(1, round(image.height * width / image.width))
        has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
        if pillow_format == "JPEG":
            if has_alpha:
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                image = flat
            else:
                image = image.convert("RGB")
        else:
            image = image.convert("RGBA" if has_alpha else "RGB")
        if image.width != width:
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True} if pillow_format == "JPEG" \
            else {"quality": WEBP_QUALITY, "method": 4}
        image.save(out, pillow_format, **options)
    return out.getvalue(), height


def ensure_rendition(image_file, width, fmt):
    """The rendition of ``image_file`` at ``width`` in ``fmt`` (``webp`` or
    ``jpeg``), made on first use and reused afterwards; a width beyond the
    original is clamped to the original (never upscaled)."""
    fmt = _normal_format(fmt)
    width = int(width)
    if image_file.width and width > image_file.width:
        width = image_file.width
    existing = _known_rendition(image_file, width, fmt)
    if existing is not None:
        return existing
    name = rendition_name(image_file.sha256, width, fmt)
    height = max(1, round(image_file.height * width / image_file.width)) if image_file.width else 0
    if not default_storage.exists(name):
        data, height = _render(image_file, width, fmt)
        name = default_storage.save(name, ContentFile(data))
    rendition = Rendition(image_file=image_file, width=width, height=height, format=fmt)
    rendition.file.name = name
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:  # made concurrently: the unique key keeps one row
        return Rendition.objects.get(image_file=image_file, width=width, format=fmt)
    cache = getattr(image_file, "_prefetched_objects_cache", {}).get("renditions")
    if cache is not None:
        image_file._prefetched_objects_cache["renditions"] = [*cache, rendition]
    return rendition


def ensure_renditions(image_file):
    """Every rendition of the plan, made where missing."""
    return [ensure_rendition(image_file, width, fmt) for width, fmt, _name in rendition_plan(image_file)]


def make_missing_renditions(queryset=None):
    """Make every planned rendition that does not exist yet (after bulk
    loads); returns how many were made."""
    queryset = (queryset if queryset is not None else ImageFile.objects.all()).prefetch_related("renditions")
    made = 0
    for image_file in queryset.iterator(chunk_size=200):
        before = len(image_file.renditions.all())
        made += len(ensure_renditions(image_file)) - before
    return made


def smallest_rendition(image_file):
    """The narrowest existing rendition (from a prefetch when there is one), or None."""
    renditions = list(image_file.renditions.all())
    return min(renditions, key=lambda r: (r.width, r.format != "webp"), default=None)

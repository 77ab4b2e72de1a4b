"""What the catalog, datasheet and label renders share: inputs, cache keys and the render-to-artifact step.

Every render reads only published ``ProductSnapshot`` documents, builds one
HTML string from a template under ``templates/pdf/``, and is stored as an
Artifact keyed by a hash of everything that shapes the PDF (documents,
template sources, CSS, font files, the render code, the language's compiled
translations, settings). An unchanged input returns the stored artifact
without running WeasyPrint; a failed render stores nothing, so the previous
artifact stays the one served.
"""

import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pim.formatting import format_date, format_money
from publishing.artifacts import content_hash, file_hash, find_artifact, store_artifact
from publishing.models import Channel, ProductSnapshot
from publishing.pdf import render as pdf_render
from publishing.pdf.fetcher import classify, local_path

# Bump when the shape of the render inputs changes (forces fresh renders).
RENDER_SCHEMA = 1


class RenderInputError(ValueError):
    """Bad input for a render (unknown channel, locale, SKU or store): one line for the user."""


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def get_channel(code):
    try:
        return Channel.objects.select_related("price_list").get(code=code)
    except Channel.DoesNotExist:
        raise RenderInputError(_("Unknown channel: %(code)s") % {"code": code}) from None


def check_locale(channel, locale):
    """``locale`` must be a configured language the channel publishes in."""
    if locale not in language_codes():
        raise RenderInputError(
            _("Unknown locale: %(locale)s (known: %(known)s)")
            % {"locale": locale, "known": ", ".join(language_codes())},
        )
    channel_languages = list(channel.languages.values_list("language_code", flat=True))
    if channel_languages and locale not in channel_languages:
        raise RenderInputError(
            _("Channel %(channel)s does not publish in %(locale)s (it does in: %(known)s)")
            % {"channel": channel.code, "locale": locale, "known": ", ".join(channel_languages)},
        )
    return locale


def snapshots(channel, locale, skus=None):
    """The channel's live snapshots in ``locale``: [(sku, content_hash, seq, document)] by SKU."""
    qs = ProductSnapshot.objects.filter(channel=channel, locale=locale, deleted=False)
    if skus is not None:
        qs = qs.filter(sku__in=list(skus))
    return list(qs.order_by("sku").values_list("sku", "content_hash", "seq", "document"))


def document_version(rows):
    """The catalog version: the highest feed sequence number among its documents."""
    return max((seq or 0 for _sku, _hash, seq, _doc in rows), default=0)


# --- presentation helpers (shared by every template context) --------------------

def price_text(price, locale):
    """{"text", "regular", "sale_until", "from"} of a document price block, formatted for ``locale``."""
    if not price:
        return None
    currency = price.get("currency") or "EUR"
    regular = format_money(price["amount"], currency, locale)
    sale = price.get("sale")
    if sale:
        return {
            "text": format_money(sale["amount"], currency, locale),
            "regular": regular,
            "sale_until": sale.get("until"),
            "from": bool(price.get("from")),
        }
    return {"text": regular, "regular": None, "sale_until": None, "from": bool(price.get("from"))}


def source_file(url):
    """Where the file of an own media/static URL can be read: its local Path,
    the name of a file in the media storage backend when that is not a local
    folder (S3), or None when there is no such file."""
    path = local_path(url)
    if path is not None:
        return path
    kind = classify(url)
    if kind and kind[0] == "media":
        name = unquote(kind[1])
        try:
            if default_storage.exists(name):
                return name
        except Exception:  # storage backends raise their own errors: no file then
            return None
    return None


def read_source(url):
    """Bytes of an own media/static file (local folder or the media storage backend), or None."""
    found = source_file(url)
    if isinstance(found, Path):
        return found.read_bytes()
    if found is None:
        return None
    try:
        with default_storage.open(found, "rb") as handle:
            return handle.read()
    except Exception:  # vanished or unreadable meanwhile
        return None


def image_src(document, max_width=640):
    """An own JPEG/PNG URL the fetcher will serve for the document's main
    image, or None: the smallest JPEG rendition at least ``max_width`` wide
    (or the widest below it) whose file exists, else the original file."""
    images = document.get("images") or []
    if not images:
        return None
    image = images[0]
    jpegs = sorted(
        (r for r in image.get("renditions") or [] if r.get("format") in ("jpeg", "jpg", "png")),
        key=lambda r: r.get("width") or 0,
    )
    wide_enough = [r for r in jpegs if (r.get("width") or 0) >= max_width]
    candidates = wide_enough[:1] + list(reversed([r for r in jpegs if r not in wide_enough]))
    for rendition in candidates:
        if source_file(rendition["url"]) is not None:
            return rendition["url"]
    if image.get("url") and source_file(image["url"]) is not None:
        return image["url"]
    return None


def key_attributes(document, count=None):
    count = getattr(settings, "PIM_PDF_KEY_ATTRIBUTES", 4) if count is None else count
    return (document.get("attributes") or [])[:count]


def generated_on(locale, now=None):
    return format_date(timezone.localdate(now or timezone.now()), locale)


def qr_markup(url, size_mm=22):
    """Inline SVG of a QR code for ``url`` (publishing.pdf.qr), or None when
    QR codes are unavailable."""
    try:
        from publishing.pdf.qr import qr_svg
    except ImportError:
        return None
    return qr_svg(url, size_mm=size_mm)


def qr_version():
    """Source hash of the QR module: a changed encoder re-renders cached PDFs."""
    qr_module = Path(__file__).with_name("qr.py")
    return file_hash(qr_module) if qr_module.is_file() else ""


def package_dir():
    """The folder of this package's modules (whose sources are part of the cache key)."""
    return Path(__file__).parent


def file_hash_of_module(*names):
    """Source hash of modules of this package (e.g. the barcode encoder)."""
    return file_hash(*(package_dir() / name for name in names))


# --- files that shape a render ---------------------------------------------------

def template_path(name):
    """Source file of a Django template (for the content hash)."""
    template = engines["django"].get_template(name)
    return Path(template.origin.name)


def static_path(name):
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


def translation_files(locale):
    """The project's compiled translations (.mo) of ``locale`` under LOCALE_PATHS that exist."""
    name = Path(translation.to_locale(locale)) / "LC_MESSAGES" / "django.mo"
    return [Path(root) / name for root in settings.LOCALE_PATHS if (Path(root) / name).is_file()]


def inputs_hash(kind, *, rows, templates, stylesheets, locale=None, modules=(), extra=None):
    """The content hash of one render: documents, template and CSS sources,
    font files, the sources of ``modules`` of this package (with common.py
    and render.py, which every render runs through), the compiled
    translations of ``locale``, relevant settings and ``extra`` (channel,
    store …). Restyling, reprogramming or retranslating thus re-renders."""
    return content_hash(
        RENDER_SCHEMA, kind,
        [(sku, digest) for sku, digest, _seq, _doc in rows],
        file_hash(*(template_path(t) for t in templates)),
        file_hash(*stylesheets),
        pdf_render.font_files(),
        file_hash_of_module("common.py", "render.py", *modules),
        file_hash(*translation_files(locale)) if locale else "",
        {
            "base_url": settings.PIM_BASE_URL,
            "media_url": settings.PIM_MEDIA_URL,
            "languages": language_codes(),
            "key_attributes": getattr(settings, "PIM_PDF_KEY_ATTRIBUTES", 4),
        },
        extra or {},
    )


class Reporter:
    """Progress and log callbacks of a render; no-ops when none are given."""

    def __init__(self, progress=None, log=None):
        self._progress = progress
        self._log = log

    def progress(self, done, total, message=None):
        if self._progress:
            self._progress(done, total, message)

    def log(self, message, level="info"):
        if self._log:
            self._log(message, level)


def render_to_artifact(kind, key, *, template=None, context=None, stylesheets, filename, channel, locale,
                       subject="", reporter, steps_done, steps_total, meta=None, renderer=None):
    """Render ``template`` with ``context`` to PDF and keep it as an Artifact.

    ``renderer(handle)`` (returning a RenderResult) replaces the one-piece
    render when given (catalogs rendered in parts). Phases are reported as
    the last two progress steps (layout, write). Refused URLs are logged as
    warnings and listed in the artifact's meta.
    """
    html = None
    if renderer is None:
        with translation.override(locale):
            html = render_to_string(template, context)
    phases = {"layout": (steps_done + 1, _("laying out pages")), "write": (steps_done + 2, _("writing PDF"))}
    state = {}

    def phase(name):
        done, text = phases[name]
        reporter.progress(done, steps_total, text)

    def writer(handle):
        started = time.monotonic()
        if renderer is not None:
            result = renderer(handle)
        else:
            result = pdf_render.render_pdf(
                html, base_url=settings.PIM_BASE_URL + "/", stylesheets=stylesheets, write_to=handle, phase=phase,
            )
        state["result"] = result
        state["seconds"] = round(time.monotonic() - started, 3)

    artifact = store_artifact(kind, key, writer, filename=filename, channel=channel, locale=locale,
                              format="pdf", subject=subject)
    result = state.get("result")
    if result is not None:
        for url, reason in result.refused:
            reporter.log(_("Refused %(url)s: %(reason)s") % {"url": url[:200], "reason": reason}, "warning")
        artifact.meta = {
            **(meta or {}),
            **state.get("meta", {}),
            "pages": result.pages,
            "render_seconds": state["seconds"],
            "refused_urls": [url[:200] for url, _reason in result.refused],
            "rendered_at": datetime.now(tz=timezone.get_current_timezone()).isoformat(),
        }
        artifact.save(update_fields=["meta"])
        reporter.log(_("Rendered %(pages)d pages in %(seconds)s s.")
                     % {"pages": result.pages, "seconds": state["seconds"]})
    reporter.progress(steps_total, steps_total, _("done"))
    return artifact


def write_output(artifact, output):
    """Copy an artifact's file to ``output`` atomically (temporary file, then rename)."""
    output = Path(output)
    directory = output.parent if str(output.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temp_path = tempfile.mkstemp(prefix=".render-", suffix=".pdf", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as target, artifact.file.open("rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        os.replace(temp_path, output)
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        artifact.file.close()
    return output


def cached(kind, key, *, channel, locale, subject, reporter, steps_total):
    """The stored artifact for ``key``, reporting a cache hit, or None."""
    artifact = find_artifact(kind, key, channel=channel, locale=locale, format="pdf", subject=subject)
    if artifact is not None:
        reporter.log(_("Unchanged since the last render: reusing %(name)s.") % {"name": artifact.file.name})
        reporter.progress(steps_total, steps_total, _("done (cached)"))
    return artifact


__all__ = [
    "RenderInputError", "Reporter", "cached", "check_locale", "document_version", "file_hash_of_module",
    "generated_on", "get_channel", "image_src", "inputs_hash", "key_attributes", "language_codes", "package_dir",
    "price_text", "qr_markup", "qr_version", "read_source", "render_to_artifact", "snapshots", "source_file",
    "static_path", "translation_files",
    "write_output",
]

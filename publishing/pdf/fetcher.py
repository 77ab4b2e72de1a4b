"""WeasyPrint URL fetcher that serves only the project's own media and static files.

Interface (used by every PDF renderer, the brochure builder included)::

    from publishing.pdf.fetcher import SafeFetcher, local_path

    fetcher = SafeFetcher()            # give it to HTML(url_fetcher=...) / CSS(...)
    ...render...
    fetcher.refused                    # [(url, reason)] refused during the render
    local_path("https://cdn/media/x.jpg")  # Path of a local media/static file or None

What it serves:

- ``data:`` URIs (decoded in-process);
- URLs under ``settings.PIM_MEDIA_URL`` or ``PIM_BASE_URL + MEDIA_URL``:
  read from the default file storage (local folder or the project's S3
  bucket through its storage backend, never by URL);
- URLs under ``STATIC_URL`` (relative, or absolute on ``PIM_BASE_URL``):
  found through the staticfiles finders, or in ``STATIC_ROOT``;
- ``file://`` paths that resolve (symlinks followed) inside ``MEDIA_ROOT``,
  ``STATIC_ROOT`` or a static source folder.

Everything else (``http(s)://`` elsewhere, ``file:///etc/passwd``, ``ftp:``,
internal addresses, ``..`` escapes) raises :class:`RefusedURL`: WeasyPrint
logs the error and renders without that resource. No request ever leaves the
process and no redirect is followed, because nothing is fetched over the network.
"""

import base64
import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage, default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("pim.pdf")


class RefusedURL(ValueError):
    """A URL the PDF renderer is not allowed to load."""


def _clean_name(name):
    """A storage-relative name without ``..``/absolute escapes, or None."""
    name = unquote(name).replace("\\", "/")
    if not name.strip("/") or ".." in name.split("/"):
        return None
    return posixpath.normpath(name.lstrip("/"))


def _media_prefixes():
    prefixes = [settings.PIM_MEDIA_URL]
    if settings.MEDIA_URL.startswith("/"):
        prefixes.append(settings.PIM_BASE_URL + settings.MEDIA_URL)
    elif settings.MEDIA_URL:
        prefixes.append(settings.MEDIA_URL)
    return [p if p.endswith("/") else p + "/" for p in prefixes]


def _static_prefixes():
    static = settings.STATIC_URL or "/static/"
    if static.startswith("/"):
        return [settings.PIM_BASE_URL + static]
    return [static if static.endswith("/") else static + "/"]


def allowed_roots():
    """Folders a ``file://`` URL may point into (resolved)."""
    roots = [Path(settings.MEDIA_ROOT)]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    roots += [Path(d if isinstance(d, str | Path) else d[1]) for d in settings.STATICFILES_DIRS]
    for app_config in apps.get_app_configs():
        static = Path(app_config.path) / "static"
        if static.is_dir():
            roots.append(static)
    return [r.resolve() for r in roots]


def _inside(path, roots):
    return any(path == root or path.is_relative_to(root) for root in roots)


def _static_file(name):
    found = finders.find(name)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / name
        if candidate.is_file():
            return candidate
    return None


def _media_file(name):
    """Local Path of a media file, or None (missing, or storage is not local)."""
    if isinstance(default_storage, FileSystemStorage) or hasattr(default_storage, "path"):
        try:
            path = Path(default_storage.path(name))
        except (NotImplementedError, Exception):
            return None
        return path if path.is_file() else None
    return None


def classify(url):
    """("media"|"static", storage name) for an own URL, ("file", Path) for a
    file:// URL, or None when the URL is foreign."""
    for prefix in _media_prefixes():
        if url.startswith(prefix):
            return "media", url[len(prefix):].split("?")[0].split("#")[0]
    for prefix in _static_prefixes():
        if url.startswith(prefix):
            return "static", url[len(prefix):].split("?")[0].split("#")[0]
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        return "file", Path(unquote(parts.path))
    return None


def local_path(url):
    """The local file behind an own media/static/file URL, or None. Used to
    check that an image exists before pointing the template at it."""
    kind = classify(url)
    if kind is None:
        return None
    what, value = kind
    if what == "file":
        path = value.resolve()
        return path if _inside(path, allowed_roots()) and path.is_file() else None
    name = _clean_name(value)
    if name is None:
        return None
    path = _media_file(name) if what == "media" else _static_file(name)
    if path is None:
        return None
    path = path.resolve()
    return path if _inside(path, allowed_roots()) else None


def _decode_data_uri(url):
    header, _, payload = url[len("data:"):].partition(",")
    params = header.split(";")
    mime = params[0] or "text/plain"
    if "base64" in params[1:]:
        body = base64.b64decode(unquote_to_bytes(payload))
    else:
        body = unquote_to_bytes(payload)
    return mime, body


class SafeFetcher(URLFetcher):
    """URL fetcher limited to data: URIs and the project's media/static files.

    Refusals raise :class:`RefusedURL` (WeasyPrint logs and skips the
    resource) and are remembered in ``self.refused`` so a job can report them.
    """

    def __init__(self, *, fail_on_errors=False):
        # No network handlers are ever used: fetch() below never calls open().
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=fail_on_errors)
        self.refused = []
        self.served = []

    def _refuse(self, url, reason):
        self.refused.append((url, reason))
        logger.warning("PDF render refused %s: %s", url[:200], reason)
        raise RefusedURL(f"{reason}: {url[:200]}")

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            try:
                mime, body = _decode_data_uri(url)
            except (ValueError, TypeError) as error:
                self._refuse(url, f"bad data URI ({error})")
            return URLFetcherResponse(url[:64], body, {"Content-Type": mime})
        kind = classify(url)
        if kind is None:
            self._refuse(url, "not a project media or static file")
        path = local_path(url)
        if path is None:
            what, value = kind
            name = _clean_name(value) if what == "media" else None
            if what == "media" and name and not isinstance(default_storage, FileSystemStorage):
                # Remote media storage (S3): read through the storage backend.
                try:
                    handle = default_storage.open(name, "rb")
                except Exception as error:  # storage errors vary by backend
                    self._refuse(url, f"media file not readable ({type(error).__name__})")
                self.served.append(url)
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, handle, {"Content-Type": mime})
            self._refuse(url, "outside the media and static folders or missing")
        self.served.append(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), open(path, "rb"), {"Content-Type": mime})

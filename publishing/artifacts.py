"""Generated files (PDFs, exports) kept as Artifacts, cached by a hash of their inputs.

Every renderer and exporter follows one pattern::

    key = content_hash(documents, template_source, css, fonts, profile, settings)
    artifact = find_artifact(kind, key, channel=..., locale=..., format=..., subject=...)
    if artifact is None:
        artifact = store_artifact(kind, key, writer, filename="catalog.pdf", ...)

``writer(handle)`` streams the file into a temporary file; only a complete
file becomes an Artifact, so a failed render leaves the previous one served
(``latest_artifact``) and nothing half-written is ever visible.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction

from publishing.models import Artifact


def _default(value):
    # Decimals, dates, lazy strings and Paths hash by their text.
    return str(value)


def content_hash(*parts):
    """A stable SHA-256 of JSON-able parts (dicts are key-sorted); bytes hash as-is."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes | bytearray):
            digest.update(part)
        else:
            digest.update(json.dumps(part, sort_keys=True, default=_default, ensure_ascii=False).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def file_hash(*paths):
    """Hash of files' bytes (templates, CSS, fonts, ICC profiles) for content_hash()."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _lookup(kind, channel, locale, format, subject):
    return {
        "kind": kind, "channel": channel, "locale": locale or "",
        "format": format or "", "subject": subject or "",
    }


def find_artifact(kind, key, *, channel=None, locale="", format="", subject=""):
    """The artifact made from exactly these inputs whose file still exists, or None."""
    artifact = Artifact.objects.filter(content_hash=key, **_lookup(kind, channel, locale, format, subject)).first()
    if artifact is not None and artifact.file and artifact.file.storage.exists(artifact.file.name):
        return artifact
    return None


def latest_artifact(kind, *, channel=None, locale="", format="", subject=""):
    """The newest artifact of that kind and scope (what pulls and downloads serve)."""
    return Artifact.objects.filter(**_lookup(kind, channel, locale, format, subject)).order_by("-created_at", "-pk").first()


def store_artifact(kind, key, writer, *, filename, channel=None, locale="", format="", subject=""):
    """Run ``writer(binary_handle)`` into a temporary file, then keep it as an Artifact.

    If ``writer`` raises, nothing is stored and the exception propagates. An
    identical artifact stored meanwhile by another process is reused.
    """
    existing = find_artifact(kind, key, channel=channel, locale=locale, format=format, subject=subject)
    if existing is not None:
        return existing
    descriptor, temp_path = tempfile.mkstemp(prefix="pim-artifact-", suffix=Path(filename).suffix)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            writer(handle)
        size = os.path.getsize(temp_path)
        lookup = _lookup(kind, channel, locale, format, subject)
        with open(temp_path, "rb") as handle:
            try:
                with transaction.atomic():
                    # a stale row whose file vanished is replaced
                    Artifact.objects.filter(content_hash=key, **lookup).delete()
                    artifact = Artifact(content_hash=key, size_bytes=size, **lookup)
                    artifact.file.save(f"{key[:16]}-{filename}", File(handle), save=False)
                    artifact.save()
            except IntegrityError:
                artifact = find_artifact(kind, key, channel=channel, locale=locale, format=format, subject=subject)
                if artifact is None:
                    raise
        return artifact
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)

"""The published documents an export renders: non-deleted snapshots of one channel × locale."""

import hashlib

from publishing.models import ProductSnapshot

# Rows fetched at a time: what an export holds in memory at once (~10 KB per
# document), whatever the catalog size.
CHUNK_SIZE = 100


def _snapshots(channel, locale):
    return ProductSnapshot.objects.filter(channel=channel, locale=locale, deleted=False).order_by("sku")


def count_documents(channel, locale):
    return _snapshots(channel, locale).count()


def iter_documents(channel, locale, progress=None):
    """Documents in SKU order, fetched in chunks so memory stays flat
    whatever the catalog size. ``progress(done, total)`` is called per chunk."""
    total = count_documents(channel, locale) if progress else 0
    done = 0
    for document in _snapshots(channel, locale).values_list("document", flat=True).iterator(chunk_size=CHUNK_SIZE):
        yield document
        done += 1
        if progress and done % CHUNK_SIZE == 0:
            progress(done, total)
    if progress:
        progress(done, total)


def documents_digest(channel, locale):
    """A hash of which documents are published and what they say (each
    snapshot already carries its content hash), without loading documents."""
    digest = hashlib.sha256()
    rows = _snapshots(channel, locale).values_list("sku", "content_hash").iterator(chunk_size=1000)
    for sku, content_hash in rows:
        digest.update(f"{sku}\x00{content_hash}\n".encode())
    return digest.hexdigest()


def last_seq(channel, locale):
    """The highest feed position of the channel × locale: a later publish
    or withdrawal raises it, which tells a pull that its export is stale."""
    row = (
        ProductSnapshot.objects.filter(channel=channel, locale=locale, seq__isnull=False)
        .order_by("-seq").values_list("seq", flat=True).first()
    )
    return row or 0

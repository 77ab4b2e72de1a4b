"""Feed pages served straight from stored snapshots.

How a full sync and deltas relate (the cursor guarantee builds on
publishing/sequencing.py: a sequence number becomes visible only after every
smaller one of the channel is visible, and each product × locale has one
snapshot row whose ``seq`` moves up whenever its document changes):

* **Full sync** (no ``since``): the first request reads the channel's last
  sequence number ``top`` and serves live snapshots ordered by ``seq``. Its
  ``next_cursor`` remembers the position and ``top``. Following pages serve
  rows above the position that are live, or are tombstones stamped after
  ``top`` (a product served on an earlier page may be deleted while the
  client pages on; older tombstones concern products the client never got).
  When a page has no more rows after it, ``next_cursor`` becomes a plain
  delta cursor at ``max(last served, top)`` — the cursor to store. An empty
  continuation page returns the cursor that was sent: it still means the
  same position, and deltas from it serve the same changes.
* **Delta** (``since`` = a delta cursor at position ``p``): every snapshot
  with ``seq > p`` in ``seq`` order, tombstones included. A product changed
  several times appears once, in its latest state, because it has one row.
  An empty page returns the cursor that was sent.
* A delta cursor below the channel's horizon (tombstones up to it were
  pruned) answers 410: the client may have missed a deletion and must do a
  full sync. The full sync's final cursor is never below the horizon,
  because ``top`` never is.

Each page costs two queries whatever its size: the channel's sequence row and
the page itself (limit + 1 rows, to know whether more follow). Documents are
read as stored JSON text and joined into the body without being decoded.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from publishing.models import ChannelSequence, ProductSnapshot

from . import cursor as cursors
from .errors import CursorExpired, InvalidCursorError


@dataclass(frozen=True)
class Page:
    body: bytes
    etag: str
    count: int
    has_more: bool
    next_cursor: str


def etag_of(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _sequence_state(channel_id):
    row = ChannelSequence.objects.filter(channel_id=channel_id).values_list("last_seq", "horizon").first()
    return row or (0, 0)


def _rows(channel_id, locale):
    return (
        ProductSnapshot.objects.filter(channel_id=channel_id, locale=locale, seq__isnull=False)
        .annotate(raw=Cast("document", TextField()))
        .order_by("seq")
    )


def _body(raw_documents, next_cursor, has_more):
    return b"".join((
        b'{"results":[',
        ",".join(raw_documents).encode("utf-8"),
        b'],"next_cursor":',
        json.dumps(next_cursor).encode("ascii"),
        b',"has_more":',
        b"true" if has_more else b"false",
        b"}",
    ))


def decode_since(channel_id, locale, since):
    try:
        return cursors.decode(since, channel_id, locale)
    except cursors.InvalidCursor:
        raise InvalidCursorError() from None


def feed_page(channel_id, locale, since=None, limit=100):
    """One page of the feed of a channel in a locale (see the module text)."""
    sent = decode_since(channel_id, locale, since) if since else None
    last_seq, horizon = _sequence_state(channel_id)
    if sent is None:
        position, top = 0, last_seq
    else:
        position, top = sent.seq, sent.full_top
        if sent.seq > last_seq:
            # Only after the database was restored from an older backup.
            raise CursorExpired(_("This cursor is ahead of the feed; do a full sync."))
    full_sync = top is not None
    if (top if full_sync else position) < horizon:
        raise CursorExpired()

    rows = _rows(channel_id, locale).filter(seq__gt=position)
    if full_sync:
        rows = rows.filter(Q(deleted=False) | Q(seq__gt=top))
    fetched = list(rows.values_list("seq", "raw")[: limit + 1])
    has_more = len(fetched) > limit
    fetched = fetched[:limit]
    last = fetched[-1][0] if fetched else position

    if since and not fetched:
        next_cursor = since  # the contract: an empty page answers the cursor sent
    elif full_sync and has_more:
        next_cursor = cursors.encode(cursors.Cursor(channel_id, locale, last, top))
    elif full_sync:
        next_cursor = cursors.encode(cursors.Cursor(channel_id, locale, max(last, top)))
    else:
        next_cursor = cursors.encode(cursors.Cursor(channel_id, locale, last))
    body = _body([raw for _seq, raw in fetched], next_cursor, has_more)
    return Page(body=body, etag=etag_of(body), count=len(fetched), has_more=has_more, next_cursor=next_cursor)


def document_body(channel_id, locale, sku):
    """The stored JSON of one live document, or None."""
    raw = (
        _rows(channel_id, locale).filter(sku=sku, deleted=False)
        .values_list("raw", flat=True).first()
    )
    return raw.encode("utf-8") if raw is not None else None

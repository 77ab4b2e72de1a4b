"""Feed sequence numbers: stamping committed snapshots, pruning old tombstones.

How the cursor guarantee holds (no change is ever skipped by a reader that
asks for ``seq > cursor``, even when publishes commit out of order):

1. Publishing writes or rewrites a snapshot with ``pending=True`` and
   ``seq=NULL`` inside its own transaction. Readers filter on ``seq``, so a
   pending row is invisible to every cursor query.
2. Only after that transaction has committed, ``stamp_pending(channel_id)``
   runs in a short transaction of its own. It first locks the channel's
   ChannelSequence row (SELECT … FOR UPDATE), then gives every pending
   snapshot of the channel that is committed by then the numbers
   ``last_seq+1, last_seq+2, …`` (in id order) and raises ``last_seq``.
3. Numbers are therefore handed out only to committed rows, one stamping
   transaction at a time, and each stamping transaction holds the lock until
   it commits. A number larger than any a reader has seen can only become
   visible after every smaller number is already visible: whatever a reader
   saw up to its cursor is complete, and anything committed later (a publish
   that started first but committed last, too) is stamped later, above it.

A naive "take the next number while writing the snapshot" would break this:
publish A takes 7, publish B takes 8 and commits first, a reader sees 8 and
stores cursor 8, then A commits 7 below the cursor and is never delivered.

If a process dies between its commit and its stamp, the rows stay pending
until the next stamp of that channel; the scheduler also calls
``stamp_pending()`` without arguments every 30 seconds as a sweep (its
"stamp pending sequence numbers" duty).

Tombstones are kept ``PIM_TOMBSTONE_RETENTION_DAYS`` (at least 30, checked at
start-up); ``prune_tombstones`` deletes older ones and raises
ChannelSequence.horizon to the highest pruned number, so a cursor below the
horizon (it may have missed a deletion) is answered with 410 by the feed.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from . import events
from .models import Channel, ChannelSequence, ProductSnapshot


def _locked_sequence(channel_id):
    ChannelSequence.objects.get_or_create(channel_id=channel_id)
    return ChannelSequence.objects.select_for_update().get(channel_id=channel_id)


def _assign_numbers(channel_id, base):
    """One UPDATE numbering every pending row of the channel after ``base``
    (UPDATE … FROM with ROW_NUMBER(): PostgreSQL and SQLite ≥ 3.33).

    On PostgreSQL the rows are locked first with SKIP LOCKED: a row that a
    publish still holds (it is rewriting that snapshot) is left pending for
    the stamp that follows its commit. Waiting for it instead could deadlock,
    the publish and this UPDATE each holding rows the other one wants."""
    table = connection.ops.quote_name(ProductSnapshot._meta.db_table)
    pending = f"SELECT id FROM {table} WHERE channel_id = %s AND pending = %s"
    if connection.vendor == "postgresql":
        pending += " ORDER BY id FOR UPDATE SKIP LOCKED"
    sql = (
        f"UPDATE {table} SET seq = %s + numbered.rn, pending = %s "
        f"FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM ({pending}) AS free) AS numbered "
        f"WHERE {table}.id = numbered.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [base, False, channel_id, True])
        return cursor.rowcount


def stamp_pending(channel_id=None):
    """Give committed pending snapshots their feed numbers; returns how many.

    Without ``channel_id`` every channel with pending rows is stamped (the
    scheduler's sweep). Sends ``events.snapshots_stamped`` after commit.
    """
    if channel_id is None:
        channel_ids = (
            ProductSnapshot.objects.filter(pending=True)
            .values_list("channel_id", flat=True).distinct().order_by()
        )
        return sum(stamp_pending(pk) for pk in list(channel_ids))
    with transaction.atomic():
        sequence = _locked_sequence(channel_id)
        base = sequence.last_seq
        count = _assign_numbers(channel_id, base)
        if count <= 0:
            return 0
        sequence.last_seq = base + count  # ROW_NUMBER() numbered them base+1 … base+count
        sequence.save(update_fields=["last_seq"])
        if events.snapshots_stamped.has_listeners(Channel):
            transaction.on_commit(lambda: _announce(channel_id, base, sequence.last_seq))
    return count


def _announce(channel_id, low, high):
    # A lazy queryset: a receiver with nothing to do (a channel without a
    # webhook) costs no read of the rows.
    channel = Channel.objects.get(pk=channel_id)
    snapshots = (
        ProductSnapshot.objects.filter(channel_id=channel_id, seq__gt=low, seq__lte=high)
        .defer("document").order_by("seq")
    )
    events.snapshots_stamped.send(sender=channel, snapshots=snapshots)


def stamp_after_commit(channel_id):
    """Stamp the channel once the current transaction has committed (at once
    in autocommit mode, where the write is already committed)."""
    transaction.on_commit(partial(stamp_pending, channel_id))


def prune_tombstones(now=None):
    """Delete stamped tombstones older than the retention period and raise
    each channel's horizon to the highest pruned number; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PIM_TOMBSTONE_RETENTION_DAYS)
    old = ProductSnapshot.objects.filter(deleted=True, pending=False, updated_at__lt=cutoff)
    pruned = 0
    for channel_id in list(old.values_list("channel_id", flat=True).distinct().order_by()):
        with transaction.atomic():
            sequence = _locked_sequence(channel_id)
            rows = old.filter(channel_id=channel_id)
            top = rows.aggregate(top=Max("seq"))["top"]
            deleted, _ = rows.delete()
            if top and top > sequence.horizon:
                sequence.horizon = top
                sequence.save(update_fields=["horizon"])
            pruned += deleted
    return pruned

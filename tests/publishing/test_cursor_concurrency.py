"""The cursor guarantee under concurrent publishers (PostgreSQL only: SQLite
serialises writers, so the race cannot happen there)."""

import threading

import pytest
from django.db import connection, transaction

from publishing.models import ProductSnapshot
from publishing.services import publish
from tests.threads import start_in_thread

from .helpers import make_channel, make_complete_product

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers"),
]


def read_since(channel, cursor):
    """What a feed reader sees: stamped rows above its cursor, in order."""
    rows = list(
        ProductSnapshot.objects.filter(channel=channel, locale="en", seq__gt=cursor)
        .order_by("seq").values_list("sku", "seq")
    )
    return rows, (rows[-1][1] if rows else cursor)


@pytest.mark.django_db(transaction=True)
def test_a_publish_that_commits_late_is_still_seen_above_the_cursor():
    channel = make_channel("web", languages=("en",))
    first = make_complete_product(sku="A-FIRST", names={"en": "First"})
    second = make_complete_product(sku="B-SECOND", names={"en": "Second"})
    a_written, a_may_commit = threading.Event(), threading.Event()
    errors = []

    def publisher_a():
        with transaction.atomic():
            publish(first, channel)  # A's snapshot row is written first …
            a_written.set()
            assert a_may_commit.wait(30)
        # … but A commits only after B committed and a reader moved on.

    thread = start_in_thread(publisher_a, errors)
    try:
        assert a_written.wait(30)
        b = start_in_thread(lambda: publish(second, channel), errors)  # commits (and is stamped) while A is open
        b.join(30)
        assert not b.is_alive()

        seen, cursor = read_since(channel, 0)
        assert [sku for sku, _ in seen] == ["B-SECOND"]
        # A's row exists (uncommitted) but has no number a reader could pass.
    finally:
        a_may_commit.set()
        thread.join(30)
    assert not errors, errors

    seen_later, cursor_later = read_since(channel, cursor)
    assert [sku for sku, _ in seen_later] == ["A-FIRST"]
    assert cursor_later > cursor
    everything = {sku for sku, _ in read_since(channel, 0)[0]}
    assert everything == {"A-FIRST", "B-SECOND"}


@pytest.mark.django_db(transaction=True)
def test_stamping_skips_a_snapshot_a_publish_is_rewriting_instead_of_waiting_for_it():
    """The sweep must not queue behind (or deadlock with) a publish that holds
    a pending row: it numbers the others, and the held row gets its number
    once that publish has committed."""
    from publishing.sequencing import stamp_pending

    channel = make_channel("web", languages=("en",))
    held = make_complete_product(sku="A-HELD", names={"en": "Held"})
    free = make_complete_product(sku="B-FREE", names={"en": "Free"})
    for product in (held, free):
        publish(product, channel)
    # Both committed but not yet numbered, as between a commit and its stamp.
    ProductSnapshot.objects.filter(channel=channel).update(pending=True, seq=None)
    locked, release, errors = threading.Event(), threading.Event(), []

    def publisher():  # a publish rewriting A's row keeps it locked until commit
        with transaction.atomic():
            ProductSnapshot.objects.select_for_update().get(channel=channel, sku="A-HELD")
            locked.set()
            assert release.wait(30)

    thread = start_in_thread(publisher, errors)
    try:
        assert locked.wait(30)
        stamper = start_in_thread(lambda: stamp_pending(channel.pk), errors)
        stamper.join(10)
        assert not stamper.is_alive(), "stamping waited for the publish's lock"
        assert read_since(channel, 0)[0][0][0] == "B-FREE"
        assert ProductSnapshot.objects.get(channel=channel, sku="A-HELD").pending
    finally:
        release.set()
        thread.join(30)
    assert not errors, errors
    stamp_pending(channel.pk)
    assert [sku for sku, _ in read_since(channel, 0)[0]] == ["B-FREE", "A-HELD"]

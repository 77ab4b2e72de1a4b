"""Publishing under faults: a database error in the middle of a publish
writes nothing of the failed batch and does not move the feed sequence;
publishers and importers running at once lose no edit (PostgreSQL)."""

import io
import threading

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from catalog.spreadsheets.importer import import_file
from publishing import services, signals
from publishing.jobs import start_job
from publishing.models import ChannelSequence, Job, ProductSnapshot, Publication
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.publishing.helpers import make_channel, make_complete_product
from tests.threads import start_in_thread

LANGUAGES = ("en", "fi", "hu", "ru", "bg")
NAMES = {"en": "Drill", "fi": "Porakone", "hu": "Fúró ő ű", "ru": "Дрель", "bg": "Бормашина"}

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: stamping runs after them


def _products(count, prefix):
    return [make_complete_product(sku=f"{prefix}-{i:03d}", names={k: f"{v} {i}" for k, v in NAMES.items()})
            for i in range(count)]


def _state(channel):
    """Everything a publish may change on the channel, as plain values."""
    return {
        "snapshots": sorted(ProductSnapshot.objects.filter(channel=channel).values_list(
            "sku", "locale", "content_hash", "seq", "pending", "deleted", "version")),
        "publications": sorted(Publication.objects.filter(channel=channel).values_list(
            "product__sku", "is_published", "blocked_reason")),
        "sequence": ChannelSequence.objects.filter(channel=channel).values_list("last_seq", flat=True).first(),
    }


class FailingWrite:
    """Lets the publish run until its ``nth`` INSERT into ``table``; just
    before that statement a row that collides with it is inserted on the
    same connection, so the database itself refuses the statement (a real
    unique-constraint violation, in the middle of the batch's writes)."""

    def __init__(self, table, nth, collide):
        self.table, self.nth, self.collide = table, nth, collide
        self.seen, self.fired = 0, False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and sql.lstrip().upper().startswith("INSERT") and f'"{self.table}"' in sql:
            self.seen += 1
            if self.seen == self.nth:
                self.fired = True
                self.collide()
        return execute(sql, params, many, context)


def test_database_error_in_the_middle_of_a_publish_leaves_the_previous_state():
    channel = make_channel("web", languages=LANGUAGES)
    old = _products(30, "OLD")
    publish_channel(channel)
    stamp_pending()
    # Edits that the publish below is to carry (not published on save here):
    # one batch with every kind of write, 30 changed documents and 10 new
    # products (50 new documents, 10 new publications).
    with signals.paused():
        for product in old:
            product.set_current_language("fi")
            product.name += " (uusi)"
            product.save()
        new = _products(10, "NEW")
    before = _state(channel)
    assert len(before["snapshots"]) == 150 and before["sequence"] == 150
    last = new[-1]
    failing = FailingWrite(
        Publication._meta.db_table, 1,
        lambda: Publication.objects.create(product=last, channel=channel, is_published=False),
    )
    with connection.execute_wrapper(failing), pytest.raises(IntegrityError):
        publish_channel(channel)
    assert failing.fired
    stamp_pending()  # a sweep finds nothing to number
    assert _state(channel) == before  # no new, changed or pending snapshot; the sequence unmoved
    names = {d["sku"]: d["name"] for d in ProductSnapshot.objects.filter(channel=channel, locale="fi")
             .values_list("document", flat=True)}
    assert names == {p.sku: f"Porakone {i}" for i, p in enumerate(old)}

    # Once the database accepts the writes, the same publish completes.
    summary = publish_channel(channel)
    stamp_pending()
    after = _state(channel)
    assert summary["documents_written"] == 30 + 50
    assert len(after["snapshots"]) == 200 and after["sequence"] == 150 + 80
    assert {d["name"] for d in ProductSnapshot.objects.filter(channel=channel, locale="fi", sku__startswith="OLD")
            .values_list("document", flat=True)} == {f"Porakone {i} (uusi)" for i in range(30)}


def test_error_in_a_later_batch_leaves_no_product_half_published(monkeypatch):
    """A long publish commits a batch of products at a time: when a later
    batch fails, the earlier ones stay published whole (every language,
    numbered) and the failed batch's products are untouched."""
    monkeypatch.setattr(services, "BATCH_SIZE", 10)
    channel = make_channel("web", languages=LANGUAGES)
    with signals.paused():
        products = _products(20, "P")
    second_batch = products[10:]
    failing = FailingWrite(
        ProductSnapshot._meta.db_table, 2,  # the second batch's snapshot insert
        lambda: ProductSnapshot.objects.create(channel=channel, sku=second_batch[-1].sku, locale="bg",
                                               document={}, content_hash="x", updated_at=timezone.now()),
    )
    with connection.execute_wrapper(failing), pytest.raises(IntegrityError):
        publish_channel(channel)
    stamp_pending()
    rows = ProductSnapshot.objects.filter(channel=channel)
    assert sorted(rows.values_list("sku", "locale")) == sorted(
        (p.sku, locale) for p in products[:10] for locale in LANGUAGES)
    assert not rows.filter(pending=True).exists() and not rows.filter(seq__isnull=True).exists()
    assert ChannelSequence.objects.get(channel=channel).last_seq == 50
    assert not Publication.objects.filter(channel=channel, product__in=second_batch).exists()

    publish_channel(channel)  # the next run completes the rest
    stamp_pending()
    assert rows.count() == 100 and ChannelSequence.objects.get(channel=channel).last_seq == 100


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers")
def test_concurrent_publishes_and_imports_lose_no_edit():
    channel = make_channel("web", languages=("en", "fi"))
    products = [make_complete_product(sku=f"C-{i:03d}", names={"en": f"Drill {i}", "fi": f"Porakone {i}"})
                for i in range(40)]
    publish_channel(channel)
    stamp_pending()
    rounds, errors, jobs = 6, [], []
    importing = threading.Event()
    importing.set()

    def sheet(number):
        lines = ["sku,name[fi]"] + [f"{p.sku},Porakone {i} kierros {number}" for i, p in enumerate(products)]
        return io.BytesIO("\n".join(lines).encode("utf-8"))

    def importer():
        try:
            for number in range(1, rounds + 1):
                import_file(sheet(number), filename="edits.csv", validate_first=False)
        finally:
            importing.clear()

    def publisher():
        # As the worker runs it: the publish_channel job, retried on failure.
        while importing.is_set():
            jobs.append(start_job("publish_channel", {"channel": channel.code}))

    threads = [start_in_thread(target, errors) for target in (importer, publisher, publisher)]
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    stamp_pending()

    expected = {p.sku: f"Porakone {i} kierros {rounds}" for i, p in enumerate(products)}
    from catalog.models import Product

    truth = {p.sku: p.safe_translation_getter("name", language_code="fi")
             for p in Product.objects.language("fi").filter(sku__in=expected)}
    assert truth == expected
    published = {d["sku"]: d["name"] for d in ProductSnapshot.objects.filter(channel=channel, locale="fi")
                 .values_list("document", flat=True)}
    assert published == expected  # the last edit reached every final snapshot, with no publish after it
    assert not ProductSnapshot.objects.filter(channel=channel, pending=True).exists()
    assert jobs and all(Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED for job in jobs)

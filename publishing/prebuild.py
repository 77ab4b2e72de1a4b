"""Documents built ahead in worker processes, for long publishes that nobody edits meanwhile.

Building documents is most of a publish's CPU time, and one process uses
one core. ``ahead(channels, batches, now, builders)`` starts ``builders``
worker processes that build the documents of the next batches while the
engine writes the current one: for every product of a batch, every language
of every channel, keyed like the engine's own shared documents
(``documents.sharing_key``), with their JSON text and content hash, and the
completeness of each product on each channel. The engine then loads only
the product rows, applies the gates and writes; it takes a prebuilt
document only under the key it would have built, and a product the gates
refuse just leaves its entries unused.

The workers read the truth outside the engine's transactions, so a
document could predate an edit that commits meanwhile: only callers that
are the sole writer use it (the demo loader, right after writing the
catalog). The database must be one that other processes can open: a file
or a server, not SQLite in memory.
"""

import json
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from django.db import connection, connections

from .models import EncodedOnce

LOOKAHEAD = 2  # batches queued per worker: enough to keep it busy, little memory


def available_builders():
    """Worker processes a publish of this database can use: one per core
    beyond the engine's own, none where workers cannot share the database."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return 0
    return max(0, (os.cpu_count() or 1) - 1)


def build_batch(channel_ids, product_ids, now):
    """In a worker: (documents, assessments) of ``product_ids`` on every
    channel of ``channel_ids``. documents: {(product id, locale, sharing
    key): (JSON text, hash)} as ``_Batch.document`` keys them, the text with
    ``updated_at`` set to the publish's ``now`` as the engine stores it;
    assessments: {(channel id, product id): completeness.assess_channel()}."""
    from . import completeness
    from .documents import build_shared, channel_context, document_queryset, sharing_key
    from .models import Channel, DocumentEncoder

    channels = list(Channel.objects.filter(pk__in=channel_ids).select_related("price_list"))
    encoder = DocumentEncoder()
    built, assessed = {}, {}
    for product in document_queryset().filter(pk__in=product_ids):
        for channel in channels:
            assessed[(channel.pk, product.pk)] = completeness.assess_channel(product, channel)
            for locale in channel_context(channel).languages:
                key = sharing_key(product, channel, locale)
                if (product.pk, locale, key) in built:
                    continue
                document, digest, answered_keys = build_shared(product, channel, locale, key, now)
                document["updated_at"] = now.isoformat()
                entry = (encoder.encode(document), digest)
                for answered in answered_keys:
                    built.setdefault((product.pk, locale, answered), entry)
    return built, assessed


def take(built):
    """The engine's shared entries from a worker's documents: each decoded
    once, carrying the worker's text so that it is not encoded again."""
    shared, decoded = {}, {}
    for key, entry in built.items():
        found = decoded.get(id(entry))  # one entry under several keys arrives as one object
        if found is None:
            text, digest = entry
            document = EncodedOnce(json.loads(text))
            document.text = text
            found = decoded[id(entry)] = (document, digest)
        shared[key] = found
    return shared


def light_products(product_ids):
    """The batch's products as the engine needs them when the workers built
    their documents and assessed them: the product rows and their text
    overrides (for the sharing keys). A document the workers did not build
    still comes out right: the builder then reads the rest lazily."""
    from catalog.models import Product

    from .models import TextOverride

    products = list(Product.objects.filter(pk__in=product_ids).order_by("pk"))
    overrides = {}
    for row in TextOverride.objects.filter(product_id__in=product_ids):
        overrides.setdefault(row.product_id, []).append(row)
    for product in products:
        product._doc_rows = {"text_overrides": overrides.get(product.pk, [])}
    return products


class _Ahead:
    def __init__(self, pool, channel_ids, batches, now, depth):
        self.pool, self.channel_ids, self.now = pool, channel_ids, now
        self.waiting = iter(batches)
        self.queued = deque()
        for _ in range(depth):
            self._queue_next()

    def _queue_next(self):
        ids = next(self.waiting, None)
        if ids is not None:
            self.queued.append(self.pool.submit(build_batch, self.channel_ids, ids, self.now))

    def next(self):
        """(shared documents, assessments) of the next batch, in ``batches`` order."""
        result = self.queued.popleft()
        self._queue_next()
        documents, assessed = result.result()  # a worker's error (or death: BrokenProcessPool) is raised here
        return take(documents), assessed


class _Inline:
    def next(self):
        return {}, None


@contextmanager
def ahead(channels, batches, now, builders):
    """Yields an object whose ``next()`` gives each batch's (shared
    documents, assessments) in order (({}, None) for every batch when
    ``builders`` is 0: the engine builds and assesses itself)."""
    # Inside a transaction the workers would not see its rows (and closing
    # the connection would end it): build inline then.
    if builders <= 0 or len(batches) < 2 or connection.in_atomic_block:
        yield _Inline()
        return
    # Forked children must not inherit the parent's open connection: closed
    # here, and with "fork" the executor starts every worker at the first
    # submit (in _Ahead below, before the parent queries again) and never
    # forks a replacement: a worker that dies raises BrokenProcessPool.
    connections.close_all()
    pool = ProcessPoolExecutor(max_workers=builders, mp_context=multiprocessing.get_context("fork"))
    try:
        yield _Ahead(pool, [c.pk for c in channels], batches, now, LOOKAHEAD * builders)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

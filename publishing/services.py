"""Publishing services: publish and unpublish, bulk and periodic publishing,
and keeping published snapshots in step with truth edits.

Every entry point (product form, admin actions, commands, jobs, signals)
calls these functions. They share one engine that reconciles a channel's
snapshots with the publication intent of a batch of products:

- intent: a Publication is_published and inside its window (publish from /
  until) and the product is in the channel's assortment;
- gates: completeness (when the channel requires it; a language without
  fallback that is incomplete is withheld in that language alone) and
  approval (when the channel requires it). A product that fails a gate keeps
  its last snapshots and Publication.blocked_reason says why;
- documents whose content hash did not change are not rewritten, so the
  feed cursor does not move; written snapshots are stamped after commit
  (publishing.sequencing).

Each batch is one transaction: a product's languages change together or not
at all.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Price, PriceList, Product
from pim import bulk_sql

from . import completeness, page_paths, prebuild
from .documents import build_shared, channel_context, document_queryset, sharing_key, tombstone_document
from .models import Channel, EncodedOnce, Publication, ProductSnapshot
from .querysets import assortment_ids, has_live_snapshot
from .sequencing import stamp_after_commit

logger = logging.getLogger("pim.publishing")

BATCH_SIZE = 250
TOMBSTONE_HASH = "tombstone"
MAX_REPORTED = 200  # refusals listed by sku in a summary

SNAPSHOT_FIELDS = ["product", "document", "content_hash", "deleted", "pending", "seq", "version", "updated_at"]
PUBLICATION_FIELDS = ["is_published", "blocked_reason", "last_published_at"]


class PublishRefused(Exception):
    """The channel's gates refuse the product; ``missing`` is
    {locale: [missing item names]} when incompleteness is the reason."""

    def __init__(self, sku, channel_code, reason, missing=None):
        self.sku = sku
        self.channel_code = channel_code
        self.reason = reason
        self.missing = missing or {}
        super().__init__(self.message())

    def message(self):
        text = _("%(sku)s cannot be published on %(channel)s: %(reason)s") % {
            "sku": self.sku, "channel": self.channel_code, "reason": self.reason,
        }
        if self.missing:
            text += " — " + describe_missing_by_locale(self.missing)
        return text


def describe_missing_by_locale(missing):
    """"fi: name, images; hu: attribute power" for {locale: [items]}."""
    return "; ".join(
        f"{locale}: {completeness.describe_missing(items)}" for locale, items in sorted(missing.items())
    )


@dataclass
class Outcome:
    """What happened to one product on one channel."""

    sku: str
    channel: str
    state: str = "unchanged"  # published | unchanged | held | refused | withdrawn | scheduled | skipped
    written: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    tombstoned: list = field(default_factory=list)
    withheld: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    reason: str = ""


@dataclass
class Gate:
    kind: str = ""  # "" (open) | assortment | languages | incomplete | approval
    reason: str = ""
    missing: dict = field(default_factory=dict)
    live: list = field(default_factory=list)
    withheld: dict = field(default_factory=dict)


def evaluate_gates(product, channel, assessment, in_assortment):
    """The channel's verdict on a product from its completeness per language."""
    ctx = channel_context(channel)
    if not in_assortment:
        return Gate("assortment", _("not in the channel's assortment"))
    if not ctx.languages:
        return Gate("languages", _("the channel has no languages"))
    incomplete = {loc: missing for loc, (_score, missing) in assessment.items() if missing}
    withheld = {loc: m for loc, m in incomplete.items() if not ctx.fallback_allowed.get(loc, True)}
    live = [loc for loc in ctx.languages if loc not in withheld]
    blocking = {loc: m for loc, m in incomplete.items() if loc not in withheld} if ctx.requires_complete else {}
    if blocking:
        return Gate("incomplete", _("incomplete"), blocking, live, withheld)
    if not live:
        return Gate("incomplete", _("incomplete in every language"), withheld, live, withheld)
    if ctx.requires_approval and product.review_state != Product.ReviewState.APPROVED:
        return Gate(
            "approval",
            _("waiting for approval (review state: %(state)s)") % {"state": product.get_review_state_display()},
            live=live, withheld=withheld,
        )
    return Gate("", "", live=live, withheld=withheld)


def gate_note(gate):
    """Why the gate holds a product back, or which languages it withholds,
    with what is missing per language; "" when it passes in full."""
    if gate.kind:
        if gate.missing:
            return gate.reason + " — " + describe_missing_by_locale(gate.missing)
        return gate.reason
    if gate.withheld:
        return _("withheld until complete") + " — " + describe_missing_by_locale(gate.withheld)
    return ""


def held_publications(product, now=None):
    """[(channel, note)] for the product's wanted publications (published,
    inside their window, on an active channel) that the gates hold back now,
    in whole or in some languages — what the editor who just saved it needs
    to hear. Read-only: the refresh after commit records the same notes."""
    now = now or timezone.now()
    publications = [
        p for p in Publication.objects.filter(product_id=product.pk, is_published=True, channel__is_active=True)
        .select_related("channel__price_list").order_by("channel__code")
        if p.in_window(now)
    ]
    if not publications:
        return []
    loaded = document_queryset().get(pk=product.pk)  # every channel's prices: one load for all of them
    held = []
    for publication in publications:
        channel = publication.channel
        in_assortment = bool(assortment_ids(channel, [product.pk]))
        assessment = completeness.assess_channel(loaded, channel) if in_assortment else {}
        note = gate_note(evaluate_gates(loaded, channel, assessment, in_assortment))
        if note:
            held.append((channel, note))
    return held


@dataclass(slots=True)
class _NewSnapshot:
    """A snapshot the batch creates, with what ``_insert_snapshots`` writes:
    a first publish makes millions, and a model instance each would cost
    more than the insert."""

    channel_id: int
    product_id: int
    sku: str
    locale: str
    document: dict
    content_hash: str
    updated_at: object
    deleted: bool = False
    seq: object = None
    pending: bool = True
    version: int = 1
    pk = None  # not in the table yet


class _Batch:
    """Collected writes of one batch, flushed with bulk statements."""

    def __init__(self, channel, now, snapshots, shared=None):
        self.channel = channel
        self.now = now
        self.shared = {} if shared is None else shared  # documents of this batch by sharing key
        self.snapshots = snapshots  # {(sku, locale): ProductSnapshot}
        self.by_sku = {}
        for snap in snapshots.values():
            self.by_sku.setdefault(snap.sku, []).append(snap)
        self.new_snapshots, self.changed_snapshots = [], {}
        self.new_publications, self.changed_publications = {}, {}

    def document(self, product, locale):
        """(document, content hash) of ``product`` in ``locale`` on this
        channel, built once for all channels of the batch that share its key.
        The same dict goes to each of them: ``write`` only adds
        ``updated_at``, which is the batch's ``now`` on every channel."""
        key = sharing_key(product, self.channel, locale)
        found = self.shared.get((product.pk, locale, key))
        if found is None:
            document, digest, answered_keys = build_shared(product, self.channel, locale, key, self.now)
            found = (EncodedOnce(document), digest)
            for answered in answered_keys:
                self.shared.setdefault((product.pk, locale, answered), found)
        return found

    def write(self, product, locale, document, digest):
        snap = self.snapshots.get((product.sku, locale))
        if snap is not None and not snap.deleted and snap.content_hash == digest:
            if snap.product_id != product.pk:
                snap.product_id = product.pk
                self.changed_snapshots[id(snap)] = snap
            return False
        document["updated_at"] = self.now.isoformat()
        if snap is None:
            snap = _NewSnapshot(self.channel.pk, product.pk, product.sku, locale, document, digest, self.now)
            self.snapshots[(product.sku, locale)] = snap
            self.by_sku.setdefault(product.sku, []).append(snap)
            self.new_snapshots.append(snap)
            return True
        snap.product_id = product.pk
        snap.document, snap.content_hash, snap.deleted = document, digest, False
        self._touch(snap)
        return True

    def tombstone(self, snap):
        if snap.deleted:
            return False
        snap.document = tombstone_document(snap.sku, snap.locale, self.now)
        snap.content_hash, snap.deleted = TOMBSTONE_HASH, True
        if snap.pk is None:  # created in this batch: never visible, drop it
            self.new_snapshots.remove(snap)
            del self.snapshots[(snap.sku, snap.locale)]
            self.by_sku[snap.sku].remove(snap)
            return False
        self._touch(snap)
        return True

    def _touch(self, snap):
        snap.pending, snap.seq = True, None
        snap.version = (snap.version or 0) + 1
        snap.updated_at = self.now
        self.changed_snapshots[id(snap)] = snap

    def live(self, sku):
        return [snap for snap in self.by_sku.get(sku, []) if not snap.deleted]

    def save_publication(self, publication):
        if publication.pk is None:
            self.new_publications[id(publication)] = publication  # by identity: unsaved rows are all equal
        else:
            self.changed_publications[publication.pk] = publication

    def flush(self):
        page_paths.record_renames(self.channel.pk, self.new_snapshots, self.changed_snapshots.values(), self.now)
        if self.new_snapshots:
            _insert_snapshots(self.new_snapshots)
        if self.changed_snapshots:
            # a withdrawal of 100 000 products updates 500 000 rows: one executemany
            bulk_sql.update_rows(list(self.changed_snapshots.values()), SNAPSHOT_FIELDS)
        if self.new_publications:
            Publication.objects.bulk_create(list(self.new_publications.values()), batch_size=500)
        if self.changed_publications:
            bulk_sql.update_rows(list(self.changed_publications.values()), PUBLICATION_FIELDS)
        if self.new_snapshots or self.changed_snapshots:
            stamp_after_commit(self.channel.pk)


INSERT_FIELDS = [
    "channel", "product", "sku", "locale", "document", "content_hash", "deleted", "seq", "pending", "version",
    "updated_at",
]


def _insert_snapshots(snapshots):
    """INSERT new snapshots with one ``executemany`` (pim.bulk_sql):
    a first publish writes millions of rows. The rows' ids are not needed
    afterwards (stamping reads the table)."""
    bulk_sql.insert_rows(ProductSnapshot, INSERT_FIELDS, [
        (snap.channel_id, snap.product_id, snap.sku, snap.locale, snap.document, snap.content_hash, snap.deleted,
         snap.seq, snap.pending, snap.version, snap.updated_at)
        for snap in snapshots
    ])


def _reconcile(batch, product, publication, gate, outcome):
    """Bring the channel's snapshots of one product in line with its intent."""
    now, channel = batch.now, batch.channel
    ctx = channel_context(channel)
    wanted = publication is not None and publication.is_published
    if not wanted or not publication.in_window(now):
        for snap in batch.live(product.sku):
            if batch.tombstone(snap):
                outcome.tombstoned.append(snap.locale)
        scheduled = wanted and publication.publish_from and now < publication.publish_from
        outcome.state = "scheduled" if scheduled else ("withdrawn" if outcome.tombstoned else "skipped")
        if publication is not None and publication.blocked_reason:
            publication.blocked_reason = ""
            batch.save_publication(publication)
        return outcome
    if gate.kind == "assortment":
        for snap in batch.live(product.sku):
            if batch.tombstone(snap):
                outcome.tombstoned.append(snap.locale)
        outcome.state = "withdrawn" if outcome.tombstoned else "skipped"
        outcome.reason = gate.reason
        _set_blocked(batch, publication, gate.reason)
        return outcome
    if gate.kind:
        # Held back: the last snapshots keep being served.
        outcome.state, outcome.reason, outcome.missing = "held", gate.reason, gate.missing
        _set_blocked(batch, publication, gate_note(gate))
        return outcome
    for locale in gate.live:
        if batch.write(product, locale, *batch.document(product, locale)):
            outcome.written.append(locale)
        else:
            outcome.unchanged.append(locale)
    for snap in batch.live(product.sku):
        if snap.locale not in ctx.languages and batch.tombstone(snap):
            outcome.tombstoned.append(snap.locale)
    outcome.withheld = gate.withheld
    _set_blocked(batch, publication, gate_note(gate))
    if outcome.written or publication.last_published_at is None:
        publication.last_published_at = now
        batch.save_publication(publication)
    outcome.state = "published" if outcome.written else "unchanged"
    return outcome


def _set_blocked(batch, publication, text):
    if publication is not None and publication.blocked_reason != text:
        publication.blocked_reason = text
        batch.save_publication(publication)


def _load_snapshots(channel, skus):
    # Naming the locales lets the (channel, locale, sku) index find the rows;
    # by sku alone it would scan every snapshot of the channel, each batch.
    locales = {code for code, _name in settings.LANGUAGES} | set(channel_context(channel).languages)
    rows = ProductSnapshot.objects.filter(channel_id=channel.pk, locale__in=sorted(locales), sku__in=skus).only(
        "id", "channel_id", "product_id", "sku", "locale", "content_hash", "deleted", "version",
        "pending", "seq", "updated_at",
    )
    return {(row.sku, row.locale): row for row in rows}


def _run(channel, product_ids, *, mode, now=None, explicit=False, progress=None):
    """Reconcile ``product_ids`` on ``channel``; returns [Outcome].

    mode "publish": record the intent to publish for products that pass the
    gates (explicitly withdrawn ones are skipped unless ``explicit``);
    mode "refresh": only products that already have a publication.
    """
    return _run_channels([(channel, product_ids)], mode=mode, now=now, explicit=explicit, progress=progress)[0]


def _run_channels(work, *, mode, now=None, explicit=False, progress=None, builders=0):
    """``_run`` for several channels at once: ``work`` is [(channel,
    product_ids)]; returns [[Outcome]] in the same order.

    The batches go over the products, not the channels: each batch of
    products is loaded once for every channel that wants it, and channels
    that would build the same document (``documents.sharing_key``) share it,
    with its hash. One transaction per batch covers every channel.
    ``builders`` worker processes build the next batches' documents ahead
    (publishing.prebuild: only for a caller that is the sole writer)."""
    now = now or timezone.now()
    runs = []
    for channel, ids, *known in work:
        ids = set(ids)
        # A caller that passes the channel's assortment along saves asking again.
        in_assortment = known[0] if known else assortment_ids(channel, sorted(ids))
        runs.append((channel, ids, in_assortment, []))
    product_ids = sorted(set().union(*(ids for _channel, ids, _in, _out in runs)))
    # One channel loads only its own prices and overrides; several load all.
    scope = runs[0][0] if len(runs) == 1 else None
    total = len(product_ids)
    batches = [product_ids[start:start + BATCH_SIZE] for start in range(0, total, BATCH_SIZE)]
    with prebuild.ahead([run[0] for run in runs], batches, now, builders) as built:
        for number, ids in enumerate(batches, 1):
            shared, assessed = built.next()
            with transaction.atomic():
                if assessed is None:
                    products = list(document_queryset(scope).filter(pk__in=ids).order_by("pk"))
                else:  # the workers built and assessed: the rows alone will do
                    products = prebuild.light_products(ids)
                for channel, wanted, in_assortment, outcomes in runs:
                    mine = [p for p in products if p.pk in wanted]
                    if mine:
                        outcomes += _run_batch(channel, mine, in_assortment, mode, explicit, now, shared, assessed)
            if progress:
                progress(min(number * BATCH_SIZE, total), total)
    if progress and not total:
        progress(0, 0)
    return [outcomes for _channel, _ids, _in, outcomes in runs]


def _run_batch(channel, products, in_assortment, mode, explicit, now, shared, assessed=None):
    """One batch of products on one channel (inside the batch's transaction);
    ``assessed``: completeness the workers assessed, by (channel id, product id)."""
    ids = [p.pk for p in products]
    publications = {p.product_id: p for p in Publication.objects.filter(channel_id=channel.pk, product_id__in=ids)}
    batch = _Batch(channel, now, _load_snapshots(channel, [p.sku for p in products]), shared)
    assessments = {
        p.pk: assessed[(channel.pk, p.pk)] if assessed is not None else completeness.assess_channel(p, channel)
        for p in products if p.pk in in_assortment
    }
    completeness.store(channel, assessments)
    outcomes = []
    for product in products:
        outcome = Outcome(product.sku, channel.code)
        outcomes.append(outcome)
        publication = publications.get(product.pk)
        gate = evaluate_gates(product, channel, assessments.get(product.pk, {}), product.pk in in_assortment)
        if mode == "publish":
            if publication is not None and not publication.is_published and not explicit:
                outcome.state = "skipped"
                continue
            already = publication is not None and publication.is_published
            if gate.kind in ("assortment", "languages", "incomplete") and not already:
                outcome.state, outcome.reason, outcome.missing = "refused", gate.reason, gate.missing
                continue
            if publication is None:
                publication = Publication(product_id=product.pk, channel_id=channel.pk, is_published=True)
                batch.save_publication(publication)
            elif not publication.is_published:
                publication.is_published = True
                batch.save_publication(publication)
        elif publication is None and not batch.live(product.sku):
            outcome.state = "skipped"
            continue
        _reconcile(batch, product, publication, gate, outcome)
    batch.flush()
    return outcomes


def _summary(channel, outcomes, **extra):
    counts = {state: 0 for state in ("published", "unchanged", "held", "refused", "withdrawn", "scheduled", "skipped")}
    refusals = {}
    for outcome in outcomes:
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
        if outcome.state in ("refused", "held") and len(refusals) < MAX_REPORTED:
            text = outcome.reason
            if outcome.missing:
                text += " — " + describe_missing_by_locale(outcome.missing)
            refusals[outcome.sku] = text
    return {
        "channel": channel.code,
        "products": len(outcomes),
        **counts,
        "documents_written": sum(len(o.written) for o in outcomes),
        "tombstones": sum(len(o.tombstoned) for o in outcomes),
        "refusals": refusals,
        **extra,
    }


def _channel(channel):
    if isinstance(channel, Channel):
        return channel
    return Channel.objects.select_related("price_list").get(code=channel)


# --- Public entry points ------------------------------------------------------

def publish(product, channel, *, user=None):
    """Publish one product on one channel now; returns an Outcome.

    Raises PublishRefused (with the missing items per language) when the
    product is outside the assortment or incomplete on a channel that
    requires completeness. On a channel that requires approval an unapproved
    product is recorded as wanted and held (state "held") until approved.
    """
    channel = _channel(channel)
    outcome = _run(channel, [product.pk], mode="publish", explicit=True)[0]
    logger.debug("publish %s on %s by %s: %s", product.sku, channel.code, getattr(user, "pk", None), outcome.state)
    if outcome.state == "refused" or (outcome.state == "held" and outcome.missing):
        raise PublishRefused(product.sku, channel.code, outcome.reason, outcome.missing)
    if outcome.state in ("withdrawn", "skipped") and outcome.reason:
        raise PublishRefused(product.sku, channel.code, outcome.reason)
    return outcome


def unpublish(product, channel, *, user=None):
    """Withdraw one product from a channel: its snapshots become tombstones."""
    channel = _channel(channel)
    with transaction.atomic():
        publication, created = Publication.objects.get_or_create(
            product=product, channel=channel, defaults={"is_published": False},
        )
        if not created and (publication.is_published or publication.blocked_reason):
            Publication.objects.filter(pk=publication.pk).update(is_published=False, blocked_reason="")
        outcome = _run(channel, [product.pk], mode="refresh")[0]
    logger.debug("unpublish %s on %s by %s: %s", product.sku, channel.code, getattr(user, "pk", None), outcome.tombstoned)
    return outcome


def unpublish_products(products, channel, *, user=None):
    """Withdraw several products from a channel at once; returns [Outcome]."""
    channel = _channel(channel)
    ids = [p.pk for p in products]
    with transaction.atomic():
        existing = set(
            Publication.objects.filter(channel=channel, product_id__in=ids).values_list("product_id", flat=True)
        )
        Publication.objects.filter(channel=channel, product_id__in=ids).update(is_published=False, blocked_reason="")
        Publication.objects.bulk_create([
            Publication(product_id=pk, channel=channel, is_published=False) for pk in ids if pk not in existing
        ])
        outcomes = _run(channel, ids, mode="refresh")
    logger.debug("unpublish %d products on %s by %s", len(ids), channel.code, getattr(user, "pk", None))
    return outcomes


def _sweep_ids(channel, product_ids=None):
    """Products with live snapshots on the channel (to withdraw leavers)."""
    rows = ProductSnapshot.objects.filter(channel_id=channel.pk, deleted=False, product__isnull=False)
    if product_ids is not None:
        rows = rows.filter(product_id__in=product_ids)
    return set(rows.values_list("product_id", flat=True).distinct().order_by())


def _tombstone_orphans(channel, now):
    """Live snapshots whose product row is gone (deleted around the signal)."""
    orphans = list(ProductSnapshot.objects.filter(channel_id=channel.pk, deleted=False, product__isnull=True))
    if not orphans:
        return 0
    with transaction.atomic():
        batch = _Batch(channel, now, {(s.sku, s.locale): s for s in orphans})
        count = sum(1 for snap in orphans if batch.tombstone(snap))
        batch.flush()
    return count


def _ids_for_skus(skus):
    found = dict(Product.objects.filter(sku__in=list(skus)).values_list("sku", "pk"))
    unknown = sorted(set(skus) - set(found))
    return found, unknown


def publish_channel(channel, skus=None, progress=None):
    """Publish everything in the channel's assortment that passes its gates
    (or only ``skus``), in batches; products that left the assortment are
    withdrawn. Returns a summary dict (counts, refusals by sku)."""
    channel = _channel(channel)
    if skus:
        found, unknown = _ids_for_skus(skus)
        outcomes = _run(channel, found.values(), mode="publish", explicit=True, progress=progress)
        return _summary(channel, outcomes, unknown_skus=unknown)
    return publish_channels([channel], progress=progress)[channel.code]


def publish_channels(channels, progress=None, builders=0):
    """``publish_channel`` on several channels in one pass over the products
    (each product loaded once, shared documents built once); returns
    {channel_code: summary}. ``builders``: worker processes that build
    documents ahead, for a caller that is the only writer (the demo loader;
    see publishing.prebuild)."""
    channels = [_channel(c) for c in channels]
    now = timezone.now()
    wanted, leavers = [], []
    for channel in channels:
        ids = assortment_ids(channel)
        wanted.append((channel, ids, ids))
        leavers.append((channel, _sweep_ids(channel) - ids))
    published = _run_channels(wanted, mode="publish", now=now, progress=progress, builders=builders)
    withdrawn = _run_channels(leavers, mode="refresh", now=now)
    return {
        channel.code: _summary(channel, outcomes + gone, orphan_tombstones=_tombstone_orphans(channel, now))
        for channel, outcomes, gone in zip(channels, published, withdrawn)
    }


def publish_due(channels=None, skus=None, progress=None):
    """What the ``publish`` command runs: on each channel (default: every
    active one) republish what is published and due (new content, opened
    windows) and withdraw what is no longer wanted. With ``skus`` and named
    ``channels``, publish exactly those products there; with ``skus`` alone,
    republish them only where they are wanted (a publication that is
    published), so an explicit unpublish stays in force; ``not_wanted`` in
    each summary lists the skus left alone on that channel.
    Returns {channel_code: summary}."""
    chosen = channels is not None
    if chosen:
        channels = [_channel(c) for c in channels]
    else:
        channels = list(Channel.objects.filter(is_active=True).select_related("price_list"))
    if not skus:
        now = timezone.now()
        work = []
        for channel in channels:
            ids = set(Publication.objects.filter(channel_id=channel.pk).values_list("product_id", flat=True))
            work.append((channel, ids | _sweep_ids(channel)))
        outcomes = _run_channels(work, mode="refresh", now=now, progress=progress)
        return {
            channel.code: _summary(channel, done, orphan_tombstones=_tombstone_orphans(channel, now))
            for channel, done in zip(channels, outcomes)
        }
    results = {}
    found, unknown = _ids_for_skus(skus)
    for channel in channels:
        if chosen:
            outcomes = _run(channel, found.values(), mode="publish", explicit=True, progress=progress)
            results[channel.code] = _summary(channel, outcomes, unknown_skus=unknown, not_wanted=[])
            continue
        wanted = set(
            Publication.objects.filter(channel_id=channel.pk, product_id__in=found.values(), is_published=True)
            .values_list("product_id", flat=True)
        )
        outcomes = _run(channel, wanted, mode="refresh", progress=progress)
        not_wanted = sorted(sku for sku, pk in found.items() if pk not in wanted)
        results[channel.code] = _summary(channel, outcomes, unknown_skus=unknown, not_wanted=not_wanted)
    return results


def apply_publication_windows(now=None):
    """The periodic duty: publish what reached publish_from, withdraw what
    passed publish_until, and rebuild documents whose sale price window, price
    list validity or pre-order date turned since they were last looked at.
    Each publication it handles is stamped ``window_checked_at``, so a turn is
    acted on once, also when the gates hold the product back. Returns a short
    summary (empty when nothing was due)."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    def turned_since(prefix=""):
        # (prefix)valid_from or valid_until passed between the last look and now
        return (
            Q(**{f"{prefix}valid_from__lte": now, f"{prefix}valid_from__gt": OuterRef("seen")})
            | Q(**{f"{prefix}valid_until__lte": now, f"{prefix}valid_until__gt": OuterRef("seen")})
        )

    price_turned = Exists(
        Price.objects.filter(product_id=OuterRef("product_id"), price_list_id=OuterRef("channel__price_list_id"))
        .filter(turned_since())
    )
    list_turned = Exists(PriceList.objects.filter(pk=OuterRef("channel__price_list_id")).filter(turned_since()))
    # The later of the last publish and the last look by this duty (Greatest
    # alone is NULL on SQLite when either is).
    seen = Greatest(
        Coalesce("window_checked_at", "last_published_at"), Coalesce("last_published_at", "window_checked_at"),
    )
    opened = Q(publish_from__lte=now) & (Q(seen__isnull=True) | Q(seen__lt=F("publish_from")))
    closed = Q(publish_until__lte=now, has_live=True)
    turned = Q(last_published_at__isnull=False) & (
        Q(price_turned=True) | Q(list_turned=True)
        | Q(product__available_from__lte=today, seen__date__lt=F("product__available_from"))
    )
    due = (
        Publication.objects.filter(is_published=True)
        .annotate(seen=seen)
        .annotate(has_live=has_live_snapshot(), price_turned=price_turned, list_turned=list_turned)
        .filter(opened | closed | turned)
        .values_list("pk", "channel_id", "product_id")
    )
    by_channel = {}
    for pk, channel_id, product_id in due:
        by_channel.setdefault(channel_id, {})[product_id] = pk
    summary = {}
    for channel in Channel.objects.filter(pk__in=list(by_channel)).select_related("price_list"):
        due_here = by_channel[channel.pk]
        outcomes = _run(channel, list(due_here), mode="refresh", now=now)
        Publication.objects.filter(pk__in=list(due_here.values())).update(window_checked_at=now)
        result = _summary(channel, outcomes)
        summary[channel.code] = {k: result[k] for k in ("published", "unchanged", "held", "withdrawn") if result[k]}
    return summary


def refresh_products(product_ids, channels=None):
    """After truth edits: recompute completeness of ``product_ids`` on every
    active channel and republish them where they are published (or withdraw
    them where they should no longer be)."""
    product_ids = set(product_ids)
    if not product_ids:
        return {}
    if channels is None:
        channels = list(Channel.objects.filter(is_active=True).select_related("price_list"))
    engaged = {}
    for channel_id, product_id in Publication.objects.filter(product_id__in=product_ids).values_list(
        "channel_id", "product_id",
    ):
        engaged.setdefault(channel_id, set()).add(product_id)
    for channel_id, product_id in ProductSnapshot.objects.filter(
        product_id__in=product_ids, deleted=False,
    ).values_list("channel_id", "product_id").distinct().order_by():
        engaged.setdefault(channel_id, set()).add(product_id)
    # The engine stores the completeness of the products it looks at.
    work = [(channel, engaged[channel.pk]) for channel in channels if engaged.get(channel.pk)]
    result = {
        channel.code: _summary(channel, outcomes)
        for (channel, _ids), outcomes in zip(work, _run_channels(work, mode="refresh"))
    }
    if any(product_ids - engaged.get(channel.pk, set()) for channel in channels):
        # The rest in one pass over all channels: the products are loaded once.
        completeness.refresh_completeness(products=product_ids)
    return result


def refresh_product(product_id):
    """After an edit of one product (called on commit): completeness on every
    channel, and republish where it is published and passes the gates."""
    return refresh_products([product_id])


def refresh_channel(channel, progress=None):
    """After a channel's settings changed: completeness of its assortment and
    every publication reconciled (documents rebuilt where they changed)."""
    channel = _channel(channel)
    completeness.refresh_completeness(channel=channel, progress=progress)
    return publish_due([channel]).get(channel.code)


def withdraw_deleted_product(product):
    """Tombstones for every live snapshot of a product about to be deleted
    (pre_delete); the sku stays on the snapshot after the row is gone."""
    now = timezone.now()
    live = list(ProductSnapshot.objects.filter(product_id=product.pk, deleted=False).select_related("channel"))
    by_channel = {}
    for snap in live:
        by_channel.setdefault(snap.channel_id, []).append(snap)
    for snaps in by_channel.values():
        batch = _Batch(snaps[0].channel, now, {(s.sku, s.locale): s for s in snaps})
        for snap in snaps:
            batch.tombstone(snap)
        batch.flush()
    return len(live)

"""Loading the demo catalog: reference rows, products in bulk chunks,
pictures and renditions, channels, the brochure, then publishing.

``load_demo_catalog()`` is what the ``load_demo_catalog`` command, the
benchmark script and the tests call.
"""

import re
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import search
from catalog.images import make_missing_renditions
from catalog.models import ImageFile, Product

from . import vocabulary as V
from .channels import ensure_brochure, ensure_channels
from .plan import Planner
from .reference import ensure_reference
from .write import ImagePool, write_chunk, write_links

DEFAULT_PRODUCTS = 60
DEFAULT_SEED = 2026
MAX_PRODUCTS = 100_000
CHUNK = 2000
MAX_SKU_NUMBER = 999_999
DEMO_SKU = re.compile(r"^[A-Z]{2}-\d{6}$")


class DemoCatalogError(Exception):
    """Bad input or a database the demo cannot be loaded into; one line of text."""


class _LinkInfo:
    """What ``write_links`` needs of a plan, kept after the plan is written."""

    __slots__ = ("sku", "relations", "replacement_sku")

    def __init__(self, plan):
        self.sku, self.relations, self.replacement_sku = plan.sku, plan.relations, plan.replacement_sku


def _brochure_pick(plan):
    """Brochure products must be publishable on print in every language."""
    return not plan.incomplete and not plan.discontinued and plan.available_from is None


def _brochure_skus(candidates):
    """One product per type, main products before accessories, in catalog order."""
    skus, types = [], set()
    for _accessory, _index, type_code, sku in sorted(candidates):
        if type_code not in types and len(skus) < V.BROCHURE_SIZE:
            skus.append(sku)
            types.add(type_code)
    return skus


def validate(products, seed):
    """Raise DemoCatalogError unless 1 ≤ products ≤ MAX_PRODUCTS and seed ≥ 0."""
    if isinstance(products, bool) or not isinstance(products, int) or not 1 <= products <= MAX_PRODUCTS:
        raise DemoCatalogError(
            _("The number of products must be between 1 and %(max)s, not %(value)s.")
            % {"max": MAX_PRODUCTS, "value": products}
        )
    if not isinstance(seed, int) or seed < 0:
        raise DemoCatalogError(_("The seed must be a whole number of 0 or more, not %(value)s.") % {"value": seed})


def load_catalog(products=DEFAULT_PRODUCTS, seed=DEFAULT_SEED, append=False, progress=None):
    """Write the catalog truth (no publishing); returns (counts, channels, brochure, image pool)."""
    from publishing.signals import paused

    validate(products, seed)
    say = progress or (lambda message: None)
    existing = Product.objects.count()
    if existing and not append:
        raise DemoCatalogError(
            _("The database already has %(count)s products; the demo catalog is loaded only into an empty "
              "catalog (use --append to add demo products anyway).") % {"count": existing}
        )
    # Appended products number on after the highest demo SKU (the number of
    # a demo SKU is its index + 1), so they never collide with earlier ones.
    start = max([int(sku[-6:]) for sku in Product.objects.values_list("sku", flat=True) if DEMO_SKU.match(sku)],
                default=0)
    if start + products > MAX_SKU_NUMBER:
        raise DemoCatalogError(_("Demo SKUs end at %(max)s; this catalog has no room for %(count)s more.")
                               % {"max": MAX_SKU_NUMBER, "count": products})
    planner = Planner(seed, start + products)

    now = timezone.now()
    totals = dict(products=0, variants=0, values=0, prices=0, stock=0, images=0, documents=0, relations=0)
    links, picks = [], []
    pool = ImagePool()
    with paused(), transaction.atomic():
        ref = ensure_reference()
        channels = ensure_channels(ref)
        for chunk_start in range(start, start + products, CHUNK):
            indices = range(chunk_start, min(chunk_start + CHUNK, start + products))
            plans = [planner.plan(index) for index in indices]
            for key, value in write_chunk(plans, ref, pool, now).items():
                totals[key] += value
            links.extend(_LinkInfo(plan) for plan in plans)
            if len(picks) < 200:
                picks.extend((plan.family == "accessory", plan.index, plan.type_code, plan.sku)
                             for plan in plans if _brochure_pick(plan))
            say(_("%(done)s of %(total)s products written") % {"done": totals["products"], "total": products})
        sku_to_id = dict(Product.objects.values_list("sku", "pk"))
        totals["relations"] = write_links(links, sku_to_id)
        brochure = ensure_brochure(channels["print"], [sku_to_id[sku] for sku in _brochure_skus(picks)])
    totals["image_files"] = len(pool.files)
    return totals, channels, brochure, pool


def load_demo_catalog(products=DEFAULT_PRODUCTS, seed=DEFAULT_SEED, append=False, publish=True, progress=None,
                      builders=None):
    """Load the demo catalog and publish it; returns a summary with timings.

    Raises DemoCatalogError for bad input or a non-empty catalog (unless
    ``append``). Catalog rows are written in one transaction; publishing then
    runs over all channels at once in the engine's own batches, with
    ``builders`` worker processes building documents ahead (default: one
    per spare core, where the database allows; publishing.prebuild).
    """
    from publishing import prebuild
    from publishing.campaigns import ensure_short_links
    from publishing.completeness import refresh_completeness
    from publishing.sequencing import stamp_pending
    from publishing.services import BATCH_SIZE, publish_channels

    say = progress or (lambda message: None)
    timings = {}
    began = time.perf_counter()
    totals, channels, brochure, pool = load_catalog(products, seed, append, progress=say)
    timings["catalog"] = time.perf_counter() - began

    mark = time.perf_counter()
    ids = [image_file.pk for image_file in pool.files.values()]
    totals["renditions"] = make_missing_renditions(ImageFile.objects.filter(pk__in=ids))
    timings["renditions"] = time.perf_counter() - mark
    say(_("%(count)s renditions made") % {"count": totals["renditions"]})

    mark = time.perf_counter()
    # The search text was composed while writing; this only checks and
    # corrects it (a read of every product, writes where it differs).
    search.refresh_all()
    timings["search"] = time.perf_counter() - mark

    mark = time.perf_counter()
    published = {}
    if publish:
        # Publishing assesses and stores completeness of every product it
        # looks at, so no separate completeness pass is needed first.
        if builders is None:
            builders = prebuild.available_builders()
        step = max(1000, products // 20)

        def published_so_far(done, total):
            if done == total or done % step < BATCH_SIZE:
                say(_("%(done)s of %(total)s products published") % {"done": done, "total": total})

        summaries = publish_channels(list(channels.values()), progress=published_so_far, builders=builders)
        for code, summary in summaries.items():
            published[code] = {key: summary[key] for key in ("published", "refused", "documents_written")}
            say(_("%(channel)s: %(published)s published, %(refused)s refused, %(documents)s documents")
                % {"channel": code, "published": summary["published"], "refused": summary["refused"],
                   "documents": summary["documents_written"]})
    else:
        refresh_completeness()
    stamp_pending()
    timings["publish"] = time.perf_counter() - mark

    links = ensure_short_links(brochure)
    totals["short_links"] = len(links)
    timings["total"] = time.perf_counter() - began
    return {"seed": seed, **totals, "published": published, "brochure": brochure.code,
            "timings": {key: round(value, 2) for key, value in timings.items()}}

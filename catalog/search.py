"""Product search text: case-folded SKU, GTIN, MPN, variant SKUs and names in
every language, kept in ``Product.search_text``.

SQLite's LIKE folds ASCII only, so searching "ő" or "Ж" compares a folded
query with this folded column; the same code runs on PostgreSQL.
"""

import threading
import unicodedata
from contextlib import contextmanager

from django.db.models import Q

_state = threading.local()


def fold(text):
    """Unicode-normalised, case-folded text (what is stored and searched)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def compose(sku="", gtin="", mpn="", names=(), variant_skus=()):
    parts = [sku, gtin, mpn, *names, *variant_skus]
    return fold(" ".join(p.strip() for p in parts if p and p.strip()))


def _translation_model():
    from .models import Product

    return Product._parler_meta.root_model


def texts_for(product_ids):
    """{product_id: (stored text, fresh text)} read with three queries however
    many products."""
    from .models import Product, Variant

    product_ids = list(product_ids)
    names, skus = {}, {}
    for master_id, name in (
        _translation_model().objects.filter(master_id__in=product_ids)
        .order_by("master_id", "language_code").values_list("master_id", "name")
    ):
        names.setdefault(master_id, []).append(name)
    for product_id, sku in (
        Variant.objects.filter(product_id__in=product_ids).order_by("product_id", "position", "sku")
        .values_list("product_id", "sku")
    ):
        skus.setdefault(product_id, []).append(sku)
    rows = Product.objects.filter(pk__in=product_ids).values_list("pk", "sku", "gtin", "mpn", "search_text")
    return {
        pk: (stored, compose(sku, gtin, mpn, names.get(pk, ()), skus.get(pk, ())))
        for pk, sku, gtin, mpn, stored in rows
    }


def refresh_search_text(product_ids, chunk_size=500):
    """Recompute the search text of these products and return {id: text};
    writes only changed rows (a queryset update: no version bump, no signals)."""
    from .models import Product

    product_ids = [pk for pk in dict.fromkeys(product_ids) if pk and not is_deferred(pk)]
    result = {}
    for start in range(0, len(product_ids), chunk_size):
        for pk, (stored, text) in texts_for(product_ids[start:start + chunk_size]).items():
            if stored != text:
                Product.objects.filter(pk=pk).update(search_text=text)
            result[pk] = text
    return result


def refresh_all(chunk_size=500):
    """Rebuild every product's search text (after a bulk load); {id: text}."""
    from .models import Product

    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    return refresh_search_text(ids, chunk_size=chunk_size)


@contextmanager
def deferred(product_id):
    """Inside a product save its translations are saved one by one; refresh
    once at the end instead of after each of them."""
    ids = getattr(_state, "deferred", None)
    if ids is None:
        ids = _state.deferred = set()
    added = product_id not in ids
    ids.add(product_id)
    try:
        yield
    finally:
        if added:
            ids.discard(product_id)


def is_deferred(product_id):
    return product_id in getattr(_state, "deferred", ())


def search_filter(query):
    """A Q matching products whose search text holds every word of ``query``."""
    condition = Q()
    for word in fold(query).split():
        condition &= Q(search_text__contains=word)
    return condition


# --- signal receivers (connected in catalog.models.products) -------------------

def translation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text([instance.master_id])


def variant_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text([instance.product_id])

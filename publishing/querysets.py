"""Named queries of the publishing core: a channel's assortment and its live snapshots."""

from django.db.models import Exists, OuterRef, Q

from catalog.models import Product

from .models import ProductSnapshot

CHUNK = 5000


def assortment_filter(channel):
    """Q on Product for the channel's assortment: the chosen categories with
    their subtrees, plus the chosen products; both empty = the whole catalog."""
    paths = [c.tree_path for c in channel.categories.all()]
    chosen = channel.products.through.objects.filter(channel_id=channel.pk).values("product_id")
    has_products = chosen.exists()
    if not paths and not has_products:
        return Q()
    condition = Q(pk__in=chosen) if has_products else Q(pk__in=[])
    if paths:
        in_tree = Q()
        for path in paths:
            in_tree |= Q(categories__tree_path__startswith=path)
        condition |= Q(pk__in=Product.objects.filter(in_tree).values("pk"))
    return condition


def assortment(channel):
    """The products a channel may carry."""
    return Product.objects.filter(assortment_filter(channel))


def assortment_ids(channel, product_ids=None):
    """Ids of the assortment, optionally limited to ``product_ids``."""
    queryset = assortment(channel)
    if product_ids is None:
        return set(queryset.values_list("pk", flat=True))
    ids, result = list(product_ids), set()
    for start in range(0, len(ids), CHUNK):  # stay below SQLite's variable limit
        chunk = ids[start:start + CHUNK]
        result.update(queryset.filter(pk__in=chunk).values_list("pk", flat=True))
    return result


def live_snapshots(channel_id):
    """Snapshots a channel currently serves (not tombstones)."""
    return ProductSnapshot.objects.filter(channel_id=channel_id, deleted=False)


def has_live_snapshot(channel_field="channel_id", product_field="product_id"):
    """Exists() for annotating publications/products with a live snapshot."""
    return Exists(
        ProductSnapshot.objects.filter(
            channel_id=OuterRef(channel_field), product_id=OuterRef(product_field), deleted=False,
        )
    )

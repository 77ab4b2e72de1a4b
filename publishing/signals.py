"""Signal receivers that keep publishing in step with the truth.

Edits of the product truth collect the affected product ids per transaction;
when it commits, completeness is recomputed and published snapshots are
refreshed once per product (``services.refresh_products``), so an editor's
save costs one refresh however many rows it touched. Products show parts of
other rows, and an edit of those refreshes them too: the name, slug and sku
of related and replacement products, categories, brands, attribute and
option labels, stores; a price list's currency, VAT flag or validity
refreshes the channels that use it. Changes of a family's or a channel's
requirements refresh the products they concern. Deleting a product writes
tombstones before the row goes.

Bulk loaders wrap their work in ``paused()`` and refresh afterwards with
``refresh_completeness`` / ``publish_channel``.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from catalog.models import (
    Attribute, AttributeOption, AttributeValue, Brand, Category, FamilyAttribute, Price, PriceList, Product,
    ProductDocument, ProductImage, ProductRelation, Stock, Store, Variant,
)

from .models import Channel, ChannelLanguage, Publication, TextOverride

logger = logging.getLogger("pim.publishing")

# Above this many products a refresh goes to the job worker instead of
# running at the end of the editor's request.
INLINE_LIMIT = 500

_state = threading.local()


@contextmanager
def paused():
    """Ignore truth edits inside the block (bulk loads refresh afterwards)."""
    depth = getattr(_state, "paused", 0)
    _state.paused = depth + 1
    try:
        yield
    finally:
        _state.paused = depth


def is_paused():
    return getattr(_state, "paused", 0) > 0


class _RefreshAfterCommit:
    """The on-commit callback of one transaction, holding what it touched."""

    def __init__(self):
        self.product_ids = set()
        self.shown_ids = set()  # products whose name, slug or sku other documents show
        self.channel_ids = set()
        self.done = False

    def __call__(self):
        from . import services

        self.done = True

        try:
            for channel in Channel.objects.filter(pk__in=self.channel_ids).select_related("price_list"):
                _refresh_channel_later(channel)
            product_ids = self.product_ids | _referencing(self.shown_ids)
            if len(product_ids) > INLINE_LIMIT and _start_job("refresh_products", {"products": sorted(product_ids)}):
                return
            existing = set(Product.objects.filter(pk__in=list(product_ids)).values_list("pk", flat=True))
            if existing:
                services.refresh_products(existing)
        except Exception:  # the edit is committed; publish_due catches up later
            logger.exception("refresh after commit failed")


def _current_refresh():
    if connection.in_atomic_block:
        for _sids, func, _robust in reversed(connection.run_on_commit):
            if isinstance(func, _RefreshAfterCommit) and not func.done:
                return func, False
    func = _RefreshAfterCommit()
    return func, True


def _schedule(product_ids=(), channel_ids=(), shown_ids=()):
    """Refresh ``product_ids`` and ``channel_ids`` once the transaction
    commits, and the products whose documents show ``shown_ids`` (looked up
    then, once for the whole transaction)."""
    if is_paused():
        return
    product_ids = {pk for pk in product_ids if pk}
    channel_ids = {pk for pk in channel_ids if pk}
    shown_ids = {pk for pk in shown_ids if pk}
    if not product_ids and not channel_ids and not shown_ids:
        return
    func, is_new = _current_refresh()
    func.product_ids |= product_ids
    func.channel_ids |= channel_ids
    func.shown_ids |= shown_ids
    if is_new:
        transaction.on_commit(func)


def _referencing(product_ids):
    """Products whose documents show one of ``product_ids`` (as a relation or
    as the replacement of a discontinued product)."""
    if not product_ids:
        return set()
    ids = list(product_ids)
    return (
        set(ProductRelation.objects.filter(related_id__in=ids).values_list("product_id", flat=True))
        | set(Product.objects.filter(replacement_id__in=ids).values_list("pk", flat=True))
    )


def enqueue_products(product_ids):
    """Refresh these products when the current transaction commits."""
    _schedule(product_ids=product_ids)


def _start_job(kind, params):
    try:
        from .jobs import start_job
    except ImportError:
        return False
    start_job(kind, params)
    return True


def _refresh_channel_later(channel):
    from . import services

    if not _start_job("refresh_completeness", {"channel": channel.code, "republish": True}):
        services.refresh_channel(channel)


# --- the product and what hangs off it ------------------------------------------

@receiver(post_save, sender=Product)
def _product_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule([instance.pk], shown_ids=[instance.pk])


@receiver(pre_delete, sender=Product)
def _product_deleting(sender, instance, **kwargs):
    from .services import withdraw_deleted_product

    withdraw_deleted_product(instance)
    # Looked up now: the relation rows and replacement links go with the row.
    _schedule(_referencing([instance.pk]) - {instance.pk})


def _translation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule([instance.master_id], shown_ids=[instance.master_id])


for _signal in (post_save, post_delete):
    _signal.connect(_translation_changed, sender=Product._parler_meta.root_model, dispatch_uid=f"pub-ptr-{_signal}")


def _child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule([instance.product_id])


for _model in (AttributeValue, ProductImage, ProductDocument, Price, Stock, Variant, ProductRelation, TextOverride,
               Publication):
    for _signal in (post_save, post_delete):
        _signal.connect(_child_changed, sender=_model, dispatch_uid=f"pub-child-{_model.__name__}-{_signal}")


def _image_translation_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    product_id = ProductImage.objects.filter(pk=instance.master_id).values_list("product_id", flat=True).first()
    _schedule([product_id])


post_save.connect(_image_translation_changed, sender=ProductImage._parler_meta.root_model, dispatch_uid="pub-imgtr")


@receiver(m2m_changed, sender=Product.categories.through)
def _categories_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # category.products.clear(): pk_set is empty
        _schedule(_products_of(instance.products.all()))
    elif action.startswith("post_"):
        _schedule((pk_set or []) if reverse else [instance.pk])


@receiver(m2m_changed, sender=Variant.axis_values.through)
def _axes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_") and not reverse:
        _schedule([instance.product_id])


@receiver(m2m_changed, sender=AttributeValue.options.through)
def _options_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_") and not reverse:
        _schedule([instance.product_id])


# --- shared things several products show ---------------------------------------

def _products_of(queryset):
    return set(queryset.values_list("pk", flat=True).distinct().order_by())


@receiver(post_save, sender=Category)
def _category_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        _schedule(_products_of(Product.objects.filter(categories__tree_path__startswith=instance.tree_path)))


def _category_translation_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    category = Category.objects.filter(pk=instance.master_id).only("tree_path").first()
    if category is not None:
        _schedule(_products_of(Product.objects.filter(categories__tree_path__startswith=category.tree_path)))


post_save.connect(_category_translation_changed, sender=Category._parler_meta.root_model, dispatch_uid="pub-cattr")


@receiver(pre_delete, sender=Category)
def _category_deleting(sender, instance, **kwargs):
    # Deleting a category removes its product links without m2m_changed.
    _schedule(_products_of(Product.objects.filter(categories=instance)))


@receiver(post_save, sender=Brand)
def _brand_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        _schedule(_products_of(Product.objects.filter(brand=instance)))


def _attribute_translation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(_products_of(Product.objects.filter(attribute_values__attribute_id=instance.master_id)))


post_save.connect(_attribute_translation_changed, sender=Attribute._parler_meta.root_model, dispatch_uid="pub-attrtr")


def _products_with_option(option_id):
    return (
        _products_of(Product.objects.filter(attribute_values__option_id=option_id))
        | _products_of(Product.objects.filter(attribute_values__options__id=option_id))
        | _products_of(Product.objects.filter(variants__axis_values__id=option_id))
    )


def _option_changed(sender, instance, raw=False, created=False, **kwargs):
    # The code is a select's value, the position orders multi-selects; the
    # label lives in the translation rows (a new one is a new label). A new
    # option is on no product yet.
    if raw or (created and sender is AttributeOption):
        return
    option_id = instance.pk if sender is AttributeOption else instance.master_id
    _schedule(_products_with_option(option_id))


post_save.connect(_option_changed, sender=AttributeOption, dispatch_uid="pub-opt")
post_save.connect(_option_changed, sender=AttributeOption._parler_meta.root_model, dispatch_uid="pub-opttr")


@receiver(post_save, sender=Attribute)
def _attribute_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:  # unit, type, places, localizable change the display
        _schedule(_products_of(Product.objects.filter(attribute_values__attribute=instance)))


def _store_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    store_id = instance.master_id if sender is not Store else instance.pk
    _schedule(_products_of(Product.objects.filter(stock__store_id=store_id)))


post_save.connect(_store_changed, sender=Store, dispatch_uid="pub-store")
post_save.connect(_store_changed, sender=Store._parler_meta.root_model, dispatch_uid="pub-storetr")


# --- price lists: what the channels using them show -------------------------------

PRICE_LIST_SHOWN = ("currency", "includes_vat", "valid_from", "valid_until")


@receiver(pre_save, sender=PriceList)
def _price_list_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._shown_before = PriceList.objects.filter(pk=instance.pk).values_list(*PRICE_LIST_SHOWN).first()


@receiver(post_save, sender=PriceList)
def _price_list_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    before = getattr(instance, "_shown_before", None)
    if before is not None and before == tuple(getattr(instance, name) for name in PRICE_LIST_SHOWN):
        return  # a rename: no document shows the list's name
    _schedule(channel_ids=Channel.objects.filter(price_list=instance).values_list("pk", flat=True))


# --- requirements: families and channels -----------------------------------------

def _family_requirement_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(_products_of(Product.objects.filter(family_id=instance.family_id)))


post_save.connect(_family_requirement_changed, sender=FamilyAttribute, dispatch_uid="pub-famattr-save")
post_delete.connect(_family_requirement_changed, sender=FamilyAttribute, dispatch_uid="pub-famattr-del")


@receiver(post_save, sender=Channel)
def _channel_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(channel_ids=[instance.pk])


def _channel_language_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(channel_ids=[instance.channel_id])


post_save.connect(_channel_language_changed, sender=ChannelLanguage, dispatch_uid="pub-chlang-save")
post_delete.connect(_channel_language_changed, sender=ChannelLanguage, dispatch_uid="pub-chlang-del")


def _channel_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:
        # e.g. attribute.channels: refresh the channels named in pk_set
        _schedule(channel_ids=pk_set or [])
    else:
        _schedule(channel_ids=[instance.pk])


for _field in ("required_attributes", "hidden_attributes", "categories", "products"):
    m2m_changed.connect(
        _channel_m2m_changed, sender=getattr(Channel, _field).through, dispatch_uid=f"pub-ch-{_field}",
    )

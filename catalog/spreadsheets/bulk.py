"""Check and write an import's products a chunk at a time, with the write
API's rules and a fixed number of queries per chunk.

``ChunkWriter`` is catalog.services' product writer with two differences:
the lookups its checks would make per product (is the SKU taken, does a
variant use it, is the slug free) are answered from what ``Chunk`` loaded for
all products of the chunk at once, and the rows it plans are collected
instead of saved one at a time. ``write_chunk`` then inserts, updates and
deletes them per chunk, refreshes the search text, records history and the
review and translation bookkeeping (catalog.workflow.after_edit_many), and
has publishing refresh the products when the transaction commits.

Rare cases keep the ordinary path: a product whose variants change saves
them one by one (their SKUs still checked from the chunk's lookups), and a
unique index refusing a row (a slug or SKU taken by a concurrent writer)
rolls the chunk back to a savepoint and writes it product by product with
catalog.services, which names the product.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from parler.cache import is_missing

from pim import bulk_sql

from ..models import Attribute, AttributeValue, Price, Product, Stock, Variant
from ..models.products import RICH_TEXT_FIELDS, TRANSLATED_PRODUCT_FIELDS
from ..richtext import sanitize_html
from ..services import ProductValidationError, _ProductWriter, upsert_products
from .columns import products_for_sheet

Translation = Product._parler_meta.root_model
ROW_UPDATE_FIELDS = ("gtin", "mpn", "brand", "family", "status", "version", "updated_at")
# Rows per statement: a chunk's child rows in a few statements, within
# PostgreSQL's 65 535 parameters (SQLite's backend splits further by its own limit).
BATCH = 2000


def _stripped(value):
    return value.strip() if isinstance(value, str) else None


class Chunk:
    """What the checks of one chunk's products look up, loaded at once, and
    the rows their writers plan, saved at once."""

    def __init__(self, items, existing):
        self.existing = existing  # {sku: product loaded with products_for_sheet()}
        product_skus = [sku for sku in (_stripped(d.get("sku")) for d in items if isinstance(d, dict)) if sku]
        variant_skus = [
            sku for d in items if isinstance(d, dict) and isinstance(d.get("variants"), list)
            for sku in (_stripped(e.get("sku")) for e in d["variants"] if isinstance(e, dict)) if sku
        ]
        self.product_skus = set(existing)
        if variant_skus:
            self.product_skus |= set(Product.objects.filter(sku__in=variant_skus).values_list("sku", flat=True))
        self.variant_owner = dict(Variant.objects.filter(sku__in=product_skus + variant_skus)
                                  .values_list("sku", "product_id"))
        slugs = {}
        for data in items:
            translations = data.get("translations") if isinstance(data, dict) else None
            for language, fields in (translations.items() if isinstance(translations, dict) else ()):
                slug = _stripped(fields.get("slug")) if isinstance(fields, dict) else None
                if slug:
                    slugs.setdefault(language, set()).add(slug)
        self.slug_owner = {}
        for language, wanted in slugs.items():
            for slug, master_id in Translation.objects.filter(language_code=language, slug__in=wanted).values_list(
                    "slug", "master_id"):
                self.slug_owner[(language, slug)] = master_id
        self.claimed = {}  # (language, slug) → SKU of the product of this chunk taking it
        # Collected writes.
        self.categories = []  # (product, wanted category ids, current ids or None when new)
        self.values = []  # (AttributeValue, options or None)
        self.value_deletes = []
        self.price_replaced = []  # products whose prices are replaced
        self.prices = []
        self.stock_deletes = []
        self.stock_updates = []
        self.stock_new = []

    def slug_free(self, language, slug, product):
        """Whether ``product`` may use ``slug``: no other product has it, in the
        catalog or earlier in this chunk."""
        owner = self.slug_owner.get((language, slug))
        if owner is not None and owner != product.pk:
            return False
        claimant = self.claimed.setdefault((language, slug), product.sku)
        return claimant == product.sku

    # saving

    def save(self, writers, user=None, comment=""):
        """Write what the (valid, changed) writers planned; returns their products."""
        from catalog import search
        from catalog.workflow import after_edit_many

        now = timezone.now()
        new = [w.product for w in writers if w.creating]
        changed = [w.product for w in writers if not w.creating]
        for product in changed:
            product.version += 1  # Product.save's bump: one per changed product
            product.updated_at = now
        Product.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            bulk_sql.update_rows(changed, ROW_UPDATE_FIELDS)
        self._save_translations(new + changed)
        for writer in writers:
            writer.run_operations()
        self._save_rows()
        products = new + changed
        ids = [product.pk for product in products]
        # Search text as search.refresh_search_text makes it, read back once for the chunk.
        stale = []
        texts = search.texts_for(ids)
        for product in products:
            stored, text = texts[product.pk]
            if stored != text:
                product.search_text = text
                stale.append(product)
        if stale:
            bulk_sql.update_rows(stale, ["search_text"])
        after_edit_many(products, user=user, comment=comment)
        _enqueue_publishing(ids)
        return products

    def _save_translations(self, products):
        new, changed = [], []
        for product in products:
            for translation in product._translations_cache.get(Translation, {}).values():
                if is_missing(translation):
                    continue
                # Product.save_translation's rule: rich text is sanitised on every save path.
                for name in RICH_TEXT_FIELDS:
                    setattr(translation, name, sanitize_html(getattr(translation, name, "")))
                if translation.pk is None:
                    translation.master = product
                    new.append(translation)
                elif translation.is_modified:
                    changed.append(translation)
        Translation.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            bulk_sql.update_rows(changed, list(TRANSLATED_PRODUCT_FIELDS))

    def _save_rows(self):
        through = Product.categories.through
        if self.categories:
            gone = [(product.pk, category_id) for product, wanted, current in self.categories if current
                    for category_id in current - wanted]
            if gone:
                _delete_pairs(through, "product_id", "category_id", gone)
            through.objects.bulk_create([
                through(product_id=product.pk, category_id=category_id)
                for product, wanted, current in self.categories for category_id in sorted(wanted - (current or set()))
            ], batch_size=BATCH)
        if self.value_deletes:
            _delete(AttributeValue.options.through.objects.filter(attributevalue_id__in=self.value_deletes))
            _delete(AttributeValue.objects.filter(pk__in=self.value_deletes))
        new_values = [row for row, _options in self.values if row.pk is None]
        old_values = [row for row, _options in self.values if row.pk is not None]
        AttributeValue.objects.bulk_create(new_values, batch_size=BATCH)
        if old_values:
            bulk_sql.update_rows(old_values, ["value_text", "value_number", "value_bool", "value_date", "option"])
        multi = [(row, options) for row, options in self.values if options is not None]
        if multi:
            options_through = AttributeValue.options.through
            replaced = [row.pk for row in old_values if row.attribute.type == Attribute.Type.MULTI_SELECT]
            if replaced:
                _delete(options_through.objects.filter(attributevalue_id__in=replaced))
            options_through.objects.bulk_create([
                options_through(attributevalue_id=row.pk, attributeoption_id=option.pk)
                for row, options in multi for option in options
            ], batch_size=BATCH)
        if self.price_replaced:
            _delete(Price.objects.filter(product_id__in=[product.pk for product in self.price_replaced]))
        Price.objects.bulk_create(self.prices, batch_size=BATCH)
        if self.stock_deletes:
            _delete(Stock.objects.filter(pk__in=self.stock_deletes))
        if self.stock_updates:
            bulk_sql.update_rows(self.stock_updates, ["quantity"])
        Stock.objects.bulk_create(self.stock_new, batch_size=BATCH)


def _delete_pairs(model, first, second, pairs):
    by_first = {}
    for a, b in pairs:
        by_first.setdefault(a, set()).add(b)
    # One delete per distinct set of removed codes, not per product.
    groups = {}
    for a, bs in by_first.items():
        groups.setdefault(frozenset(bs), []).append(a)
    for bs, firsts in groups.items():
        _delete(model.objects.filter(**{f"{first}__in": firsts, f"{second}__in": list(bs)}))


def _delete(queryset):
    """One DELETE statement. QuerySet.delete() would load the rows and
    delete them a hundred at a time to send post_delete, whose only
    receiver (publishing) is told about the products by _enqueue_publishing;
    the rows deleted here (prices, stock, attribute values after their
    option links, category links) have nothing else pointing at them."""
    return queryset._raw_delete(queryset.db)


def _enqueue_publishing(product_ids):
    """What publishing's save signals would have done for these products:
    refresh completeness and published snapshots once the transaction commits."""
    from publishing.signals import enqueue_products

    enqueue_products(product_ids)


class ChunkWriter(_ProductWriter):
    """The write API's product writer with the chunk's lookups and collected writes."""

    def __init__(self, product, data, *, partial, refs, chunk):
        super().__init__(product, data, partial=partial, refs=refs)
        self.chunk = chunk

    # checks answered from the chunk

    def _row_fields(self, require_sku):
        product, creating = self.product, self.creating
        sku = _stripped(self.data.get("sku")) if isinstance(self.data, dict) else None
        if creating and sku:
            # Written as an update of the same SKU, the check skips its
            # "already exists" query; the chunk answers it below.
            product.sku = sku
            self.creating = False
        product.clean = self._clean_product
        try:
            super()._row_fields(require_sku)
        finally:
            self.creating = creating
            del product.clean
        if creating and "sku" not in self.errors and product.sku and product.sku in self.chunk.product_skus:
            self.error("sku", _("A product with this SKU already exists."))

    def _clean_product(self):
        # Product.clean: no product may carry a variant's SKU.
        if self.product.sku and self.chunk.variant_owner.get(self.product.sku) is not None:
            raise ValidationError({"sku": _("A variant already uses this SKU.")})

    def _slug_taken(self, language, slug):
        # Answered from the chunk: no query per row.
        return not self.chunk.slug_free(language, slug, self.product)

    def _categories(self):
        # _ProductWriter._categories, the new set collected for the chunk.
        if not self.handles("categories"):
            return
        codes = self._codes("categories", self.data.get("categories"))
        if codes is None:
            return
        from ..models import Category

        found = self.refs.lookup(Category, codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.error("categories", _("Unknown categories: %(codes)s.") % {"codes": ", ".join(unknown)})
            return
        wanted = {found[code].pk for code in codes}
        current = None if self.creating else {c.pk for c in self.product.categories.all()}
        if wanted != (current or set()):
            self.plan(lambda: self.chunk.categories.append((self.product, wanted, current)))

    # writes collected for the chunk

    def run_operations(self):
        """Run what validate() planned: most operations only collect rows
        for the chunk; deleting an attribute value is collected too."""
        for operation in self.operations:
            target = getattr(operation, "__self__", None)
            if isinstance(target, AttributeValue) and operation.__name__ == "delete":
                self.chunk.value_deletes.append(target.pk)
            else:
                operation()

    def _save_value(self, attribute, locale, typed, row):
        T = Attribute.Type
        if row is None:
            row = AttributeValue(product=self.product, attribute=attribute, language_code=locale)
        row.value_text, row.value_number, row.value_bool, row.value_date, row.option = "", None, None, None, None
        if attribute.type in (T.NUMBER, T.MEASUREMENT):
            row.value_number = typed
        elif attribute.type == T.BOOLEAN:
            row.value_bool = typed
        elif attribute.type == T.DATE:
            row.value_date = typed
        elif attribute.type == T.SELECT:
            row.option = typed
        elif attribute.type != T.MULTI_SELECT:
            row.value_text = typed
        if attribute.type == T.RICH_TEXT:
            row.value_text = sanitize_html(row.value_text)  # AttributeValue.save's rule
        self.chunk.values.append((row, list(typed) if attribute.type == T.MULTI_SELECT else None))

    def _save_prices(self, wanted):
        if not self.creating:
            self.chunk.price_replaced.append(self.product)
        for list_id, sku, amount, start, end in wanted:
            self.chunk.prices.append(Price(
                product=self.product, price_list_id=list_id, variant=self.variants_by_sku.get(sku),
                amount=amount, valid_from=start, valid_until=end,
            ))

    def _save_stock(self, updates, gone, current):
        self.chunk.stock_deletes += [row.pk for row in gone]
        for (store_id, sku), quantity in updates:
            row = current.get((store_id, sku))
            if row is None:
                self.chunk.stock_new.append(Stock(product=self.product, store_id=store_id,
                                                  variant=self.variants_by_sku.get(sku), quantity=quantity))
            else:
                row.quantity = quantity
                self.chunk.stock_updates.append(row)


class ChunkResult:
    def __init__(self):
        self.errors = []  # per item: the write API's error dict, or None
        self.products = []  # the saved products


def load_existing(skus, lock=False):
    """The chunk's existing products with everything the checks compare; with
    ``lock`` their rows are locked first, in one order (by id)."""
    if lock and skus:
        list(Product.objects.select_for_update().filter(sku__in=skus).order_by("pk").values_list("pk", flat=True))
    return {product.sku: product for product in products_for_sheet().filter(sku__in=skus)} if skus else {}


def writer_for(data, chunk, refs):
    product = chunk.existing.get(_stripped(data.get("sku")) if isinstance(data, dict) else None)
    if product is None:
        return ChunkWriter(Product(), data, partial=False, refs=refs, chunk=chunk)
    return ChunkWriter(product, data, partial=True, refs=refs, chunk=chunk)


def write_chunk(items, *, refs, user=None, write=True, comment=""):
    """Check every write dict of the chunk and, when all pass and ``write``
    is on, save them; returns a ChunkResult. Must run inside a transaction."""
    result = ChunkResult()
    skus = [sku for sku in (_stripped(d.get("sku")) for d in items if isinstance(d, dict)) if sku]
    chunk = Chunk(items, load_existing(skus, lock=write))
    writers = []
    for data in items:
        writer = writer_for(data, chunk, refs)
        try:
            writer.validate(require_sku=writer.creating)
        except ProductValidationError as exc:
            result.errors.append(exc.errors)
            continue
        result.errors.append(None)
        writers.append(writer)
    if not write or any(result.errors):
        return result
    changed = [writer for writer in writers if writer.changed]
    try:
        with transaction.atomic():
            result.products = chunk.save(changed, user=user, comment=comment)
    except IntegrityError:
        # A unique index refused a row that the checks let through (taken by
        # a concurrent writer meanwhile): write product by product to say which.
        return _write_one_by_one(items, user=user, comment=comment)
    return result


def _write_one_by_one(items, *, user, comment):
    from catalog.workflow import after_edit_many

    result = ChunkResult()
    outcomes = upsert_products(items, user=user, require_version=False)
    for outcome in outcomes:
        ok = outcome.status_code in (201, 204)
        result.errors.append(None if ok else (outcome.errors or {"": [_("Changed meanwhile; import again.")]}))
        if ok and outcome.product is not None:
            result.products.append(outcome.product)
    if not any(result.errors):
        after_edit_many(result.products, user=user, comment=comment)
    return result

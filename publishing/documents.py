"""The document builder: one resolved dict per product × channel × language.

``build_document(product, channel, locale)`` is the only place where texts,
fallback, overrides, attributes, price, availability, images, documents,
variants and URLs are decided. Every publisher (feed, web, PDF, exports)
renders from its result, so the same product says the same thing everywhere.

It reads only data that ``document_queryset()`` prefetched, so building N
documents costs a constant number of queries. The result is exactly what the
channel feed serves (see DESIGN.md "Channel feed"); tombstones come from
``tombstone_document()``.

Fallback is decided per field: a text that is empty in the requested
language is served from the fallback language (settings' parler fallbacks)
and its name is listed in ``fallback`` — only when the channel allows
fallback for that language.
"""

import hashlib
import json
import re
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from types import SimpleNamespace
from urllib.parse import quote

from django.conf import settings
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable
from django.utils import timezone

from catalog.models import (
    Attribute, AttributeOption, AttributeValue, Category, FamilyAttribute, ImageFile, Price, Product,
    ProductDocument, ProductImage, ProductRelation, Stock, Store, Variant,
)
from pim.formatting import (
    format_boolean, format_date, format_measurement, format_number, money_amount,
)

TEXT_FIELDS = ("name", "short_description", "description")
OVERRIDE_FIELDS = TEXT_FIELDS + ("note",)

_TAG_RE = re.compile(r"<[^>]*>")


# --- URLs -------------------------------------------------------------------

def product_url(locale, slug):
    """Absolute URL of a product page: PIM_BASE_URL/{locale}/p/{slug}/, with a
    non-ASCII slug percent-encoded as UTF-8 (RFC 3986)."""
    return f"{settings.PIM_BASE_URL}/{locale}/p/{quote(slug, safe='')}/"


def media_url(name):
    """Absolute URL of a stored media file under PIM_MEDIA_URL (RFC 3986)."""
    return settings.PIM_MEDIA_URL + quote(name.lstrip("/"), safe="/")


def _default_rendition_plan(image_file):
    """[(width, format, relative_name)] for one image file: every configured
    width below the original (never upscaled) in every configured format;
    names derive from the content hash, so they are stable and shared."""
    sha = image_file.sha256
    plan = []
    for width in sorted(settings.PIM_RENDITION_WIDTHS):
        if image_file.width and width > image_file.width:
            continue
        for fmt in settings.PIM_RENDITION_FORMATS:
            plan.append((width, fmt, f"renditions/{sha[:2]}/{sha}/{width}.{fmt}"))
    return plan


@lru_cache(maxsize=1)
def _plan_function():
    try:
        from catalog.images import rendition_plan as catalog_plan
    except ImportError:
        return _default_rendition_plan
    return catalog_plan


def rendition_plan(image_file):
    """The renditions of an image file: the catalog's images module decides
    when it offers ``rendition_plan``; this module's own plan otherwise.
    Cached on the instance (many products share one file)."""
    plan = getattr(image_file, "_doc_plan", None)
    if plan is None:
        plan = image_file._doc_plan = list(_plan_function()(image_file))
    return plan


# --- Languages --------------------------------------------------------------

def fallback_languages(locale):
    """The languages a text may fall back to for ``locale``, in order."""
    config = settings.PARLER_LANGUAGES.get("default", {})
    fallbacks = config.get("fallbacks") or [settings.LANGUAGE_CODE]
    return tuple(code for code in fallbacks if code != locale)


def is_blank(text):
    """True for None, "" and markup without visible text ("<p> </p>")."""
    if not text:
        return True
    if "<" not in text and "&" not in text:  # plain text: nothing to strip
        return not text.strip()
    return not _TAG_RE.sub("", text).replace("&nbsp;", "").strip()


def translations_of(obj):
    """{language_code: translation} from the prefetched ``translations``."""
    cached = getattr(obj, "_doc_translations", None)
    if cached is None:
        cached = {t.language_code: t for t in obj.translations.all()}
        obj._doc_translations = cached
    return cached


def translated(obj, field, locale, fallbacks=()):
    """(value, served_from_fallback) of a translated field, "" when nowhere."""
    table = translations_of(obj)
    row = table.get(locale)
    value = getattr(row, field, "") if row else ""
    if not is_blank(value):
        return value, False
    for code in fallbacks:
        row = table.get(code)
        value = getattr(row, field, "") if row else ""
        if not is_blank(value):
            return value, True
    return "", False


def label_of(obj, locale, field="label", default=""):
    """A translated label with silent fallback (labels are UI, not content).

    Remembered on the instance next to its translations: the loading plan
    shares one instance per attribute, option, store and category, so each
    label is resolved once per language however many documents show it."""
    labels = obj.__dict__.get("_doc_labels")
    if labels is None:
        labels = obj._doc_labels = {}
    key = (field, locale, default)
    if key in labels:
        return labels[key]
    label = _resolve_label(obj, locale, field, default)
    labels[key] = label
    return label


def _resolve_label(obj, locale, field, default):
    value, _ = translated(obj, field, locale, fallback_languages(locale))
    if value:
        return value
    for row in translations_of(obj).values():
        if getattr(row, field, ""):
            return getattr(row, field)
    return default


# --- Channel context ----------------------------------------------------------

def channel_context(channel):
    """What the builder needs from a channel, loaded once per channel instance
    (a handful of queries, then free for every further document)."""
    ctx = getattr(channel, "_doc_context", None)
    if ctx is not None:
        return ctx
    price_list = channel.price_list if channel.price_list_id else None
    languages = list(channel.languages.all())
    ctx = SimpleNamespace(
        channel_id=channel.pk,
        price_list_id=channel.price_list_id,
        price_list=price_list,
        currency=(price_list.currency if price_list else channel.currency),
        includes_vat=(price_list.includes_vat if price_list else True),
        languages=[lang.language_code for lang in languages],
        fallback_allowed={lang.language_code: lang.fallback_allowed for lang in languages},
        hidden_attribute_ids={a.pk for a in channel.hidden_attributes.all()},
        required_attributes=list(channel.required_attributes.all()),
        requires_complete=channel.requires_complete,
        requires_approval=channel.requires_approval,
    )
    # Everything build_document reads from the channel besides its overrides
    # and per-language fallback (see sharing_key).
    ctx.document_shape = (
        ctx.price_list_id, ctx.currency, ctx.includes_vat, tuple(sorted(ctx.hidden_attribute_ids)),
    )
    channel._doc_context = ctx
    return ctx


def sharing_key(product, channel, locale):
    """Channels with equal keys get equal documents of ``product`` in
    ``locale``, so publishing several channels at once builds each document
    once. Must name everything ``build_document`` reads from the channel: its
    price list, currency, VAT, hidden attributes, whether ``locale`` may fall
    back, and the product's text overrides on it in ``locale`` (which make
    that document the channel's own)."""
    ctx = channel_context(channel)
    if any(o.channel_id == ctx.channel_id and o.language_code == locale for o in rows_of(product, "text_overrides")):
        return ("own", ctx.channel_id)
    return ctx.document_shape, allows_fallback(ctx, locale)


def build_shared(product, channel, locale, key, now):
    """(document, content hash, the sharing keys it answers) of ``product``
    in ``locale`` built under sharing ``key``: what publishing keeps once
    for every channel that shares it."""
    fell_back = []
    document = build_document(product, channel, locale, now=now, fell_back=fell_back)
    return document, content_hash(document), sharing_keys(key, fell_back)


def sharing_keys(key, fell_back):
    """Every sharing key a document built under ``key`` also answers: one
    that was allowed to fall back but did not (``fell_back`` empty) is the
    same document its channel shape gives with fallback forbidden."""
    if key[0] != "own" and key[1] and not fell_back:
        return [key, (key[0], False)]
    return [key]


def allows_fallback(ctx, locale):
    return ctx.fallback_allowed.get(locale, True)


# --- The loading plan -----------------------------------------------------------

IN_CHUNK = 5000  # ids per IN (…) list: below SQLite's variable limit


def rows_of(obj, name):
    """The rows of relation ``name`` of ``obj``: the list the loading plan
    attached, else the relation itself (objects loaded some other way)."""
    rows = getattr(obj, "_doc_rows", None)
    if rows is not None:
        found = rows.get(name)
        if found is not None:
            return found
    return list(getattr(obj, name).all())


def _attach_translations(model, instances_by_id):
    """Load the translations of many shared rows (attributes, options,
    stores, categories) once and hand every instance its table."""
    ids = list(instances_by_id)
    table = {}
    translation_model = model._parler_meta.root_model
    for start in range(0, len(ids), IN_CHUNK):
        for row in translation_model.objects.filter(master_id__in=ids[start:start + IN_CHUNK]):
            table.setdefault(row.master_id, {})[row.language_code] = row
    for pk, instances in instances_by_id.items():
        rows = table.get(pk, {})
        for instance in instances:
            instance._doc_translations = rows


def attach_shared(products):
    """For products loaded without ``document_queryset()``: translations of
    shared rows in one query per model and each category's ancestor chain
    (``_path_nodes``), at any tree depth."""
    attributes, options, stores, categories = {}, {}, {}, {}
    for product in products:
        for value in rows_of(product, "attribute_values"):
            attributes.setdefault(value.attribute_id, []).append(value.attribute)
            if value.option_id:
                options.setdefault(value.option_id, []).append(value.option)
            for option in rows_of(value, "options"):
                options.setdefault(option.pk, []).append(option)
        for variant in rows_of(product, "variants"):
            for option in rows_of(variant, "axis_values"):
                options.setdefault(option.pk, []).append(option)
                attributes.setdefault(option.attribute_id, []).append(option.attribute)
        for row in rows_of(product, "stock"):
            stores.setdefault(row.store_id, []).append(row.store)
        for category in rows_of(product, "categories"):
            categories.setdefault(category.pk, []).append(category)
    codes = {code for group in categories.values() for code in group[0].ancestor_codes()}
    nodes = {c.code: c for c in Category.objects.filter(code__in=codes)} if codes else {}
    for node in nodes.values():
        categories.setdefault(node.pk, []).append(node)
    for group in categories.values():
        for category in group:
            category._path_nodes = [nodes[code] for code in category.ancestor_codes() if code in nodes]
    _attach_translations(Attribute, attributes)
    _attach_translations(AttributeOption, options)
    _attach_translations(Store, stores)
    _attach_translations(Category, categories)


def attach_category_paths(products):
    """Category ancestor chains for products loaded some other way."""
    attach_shared(products)


def _in(queryset, field, ids):
    """Rows of ``queryset`` whose ``field`` is in ``ids``, in chunks."""
    ids = list(ids)
    for start in range(0, len(ids), IN_CHUNK):
        yield from queryset.filter(**{f"{field}__in": ids[start:start + IN_CHUNK]})


def _m2m_pairs(descriptor, ids):
    """(source id, target id) rows of a many-to-many table for source ``ids``."""
    field = descriptor.field
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = descriptor.through.objects.values_list(source, target)
    ids = list(ids)
    for start in range(0, len(ids), IN_CHUNK):
        yield from rows.filter(**{f"{source}__in": ids[start:start + IN_CHUNK]})


def _group(rows, key):
    grouped = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _cache(instance, field_name, value):
    """Set a forward relation as select_related would (no query on access)."""
    instance._state.fields_cache[field_name] = value


def load_document_rows(products, scope=None):
    """Attach to each product everything ``build_document`` and completeness
    read, in a constant number of queries per chunk of products.

    Related rows are loaded with one plain query per relation and grouped in
    memory; rows many products share (attributes, options, stores,
    categories, image files) are one instance per row, so their labels and
    rendition URLs are computed once. ``scope`` is (channel id, price list
    id) to load only that channel's prices and text overrides; None loads
    all of them."""
    products = [p for p in products if getattr(p, "_doc_rows", None) is None]
    if not products:
        return
    ids = list(dict.fromkeys(p.pk for p in products))

    relations = _group(_in(ProductRelation.objects.select_related("related"), "product_id", ids), "product_id")
    values = list(_in(AttributeValue.objects.all(), "product_id", ids))
    variants = list(_in(Variant.objects.filter(is_active=True), "product_id", ids))
    images = list(_in(ProductImage.objects.all(), "product_id", ids))
    files = _group(_in(ProductDocument.objects.all(), "product_id", ids), "product_id")
    stock = list(_in(Stock.objects.filter(store__is_active=True), "product_id", ids))
    family_ids = {p.family_id for p in products if p.family_id}
    links = _group(_in(FamilyAttribute.objects.all(), "family_id", family_ids), "family_id")
    if scope is None:
        prices = list(_in(Price.objects.order_by("variant_id", "valid_from", "id"), "product_id", ids))
    elif scope[1]:
        prices = list(_in(
            Price.objects.filter(price_list_id=scope[1]).order_by("variant_id", "valid_from", "id"), "product_id", ids,
        ))
    else:
        prices = []
    from .models import TextOverride

    overrides = TextOverride.objects.all() if scope is None else TextOverride.objects.filter(channel_id=scope[0])
    overrides = _group(_in(overrides, "product_id", ids), "product_id")

    # Texts of the products, their related products and replacements: one query.
    texts = {}
    others = {r.related_id for group in relations.values() for r in group}
    others |= {p.replacement_id for p in products if p.replacement_id}
    for row in _in(Product._parler_meta.root_model.objects.all(), "master_id", set(ids) | others):
        texts.setdefault(row.master_id, {})[row.language_code] = row

    # Options (selected, multi-selected, variant axes) and attributes, shared.
    value_options = {}
    for value_id, option_id in _m2m_pairs(AttributeValue.options, [v.pk for v in values]):
        value_options.setdefault(value_id, []).append(option_id)
    axis_options = {}
    for variant_id, option_id in _m2m_pairs(Variant.axis_values, [v.pk for v in variants]):
        axis_options.setdefault(variant_id, []).append(option_id)
    option_ids = {v.option_id for v in values if v.option_id}
    option_ids.update(pk for group in value_options.values() for pk in group)
    option_ids.update(pk for group in axis_options.values() for pk in group)
    options = {o.pk: o for o in _in(AttributeOption.objects.all(), "pk", option_ids)}
    attribute_ids = {v.attribute_id for v in values} | {o.attribute_id for o in options.values()}
    attribute_ids.update(link.attribute_id for group in links.values() for link in group)
    attributes = {a.pk: a for a in _in(Attribute.objects.all(), "pk", attribute_ids)}
    for option in options.values():
        _cache(option, "attribute", attributes.get(option.attribute_id))

    def option_list(option_pks):
        found = [options[pk] for pk in option_pks if pk in options]
        found.sort(key=lambda o: (o.attribute_id, o.position, o.code))  # the model's ordering
        return found

    for value in values:
        _cache(value, "attribute", attributes.get(value.attribute_id))
        _cache(value, "option", options.get(value.option_id) if value.option_id else None)
        value._doc_rows = {"options": option_list(value_options.get(value.pk, ()))}
    for variant in variants:
        variant._doc_rows = {"axis_values": option_list(axis_options.get(variant.pk, ()))}
    for group in links.values():
        for link in group:
            _cache(link, "attribute", attributes.get(link.attribute_id))

    image_files = {f.pk: f for f in _in(ImageFile.objects.all(), "pk", {i.image_file_id for i in images})}
    for image in images:
        _cache(image, "image_file", image_files.get(image.image_file_id))
    _attach_translations(ProductImage, {image.pk: [image] for image in images})

    stores = {s.pk: s for s in _in(Store.objects.all(), "pk", {row.store_id for row in stock})}
    for row in stock:
        _cache(row, "store", stores.get(row.store_id))

    product_categories = {}
    for product_id, category_id in _m2m_pairs(Product.categories, ids):
        product_categories.setdefault(product_id, []).append(category_id)
    categories = {
        c.pk: c for c in _in(Category.objects.all(), "pk", {pk for g in product_categories.values() for pk in g})
    }
    by_code = {c.code: c for c in categories.values()}
    codes = {code for c in categories.values() for code in c.ancestor_codes()} - set(by_code)
    for node in _in(Category.objects.all(), "code", codes):
        by_code[node.code] = node
    for category in by_code.values():
        category._path_nodes = [by_code[code] for code in category.ancestor_codes() if code in by_code]

    _attach_translations(Attribute, {pk: [a] for pk, a in attributes.items()})
    _attach_translations(AttributeOption, {pk: [o] for pk, o in options.items()})
    _attach_translations(Store, {pk: [s] for pk, s in stores.items()})
    _attach_translations(Category, {c.pk: [c] for c in by_code.values()})

    values_by = _group(values, "product_id")
    variants_by = _group(variants, "product_id")
    images_by = _group(images, "product_id")
    stock_by = _group(stock, "product_id")
    prices_by = _group(prices, "product_id")
    for group in relations.values():
        for relation in group:
            relation.related._doc_translations = texts.get(relation.related_id, {})
    for product in products:
        pk = product.pk
        product._doc_translations = texts.get(pk, {})
        if product.replacement_id and product.replacement is not None:
            product.replacement._doc_translations = texts.get(product.replacement_id, {})
        if product.family_id and product.family is not None:
            product.family._doc_rows = {"family_attributes": links.get(product.family_id, [])}
        cats = [categories[c] for c in product_categories.get(pk, ()) if c in categories]
        cats.sort(key=lambda c: c.tree_path)  # the model's ordering
        product._doc_rows = {
            "attribute_values": values_by.get(pk, []),
            "variants": variants_by.get(pk, []),
            "images": images_by.get(pk, []),
            "stock": stock_by.get(pk, []),
            "prices": prices_by.get(pk, []),
            "relations": relations.get(pk, []),
            "documents": files.get(pk, []),
            "text_overrides": overrides.get(pk, []),
            "categories": cats,
        }


class DocumentQuerySet(QuerySet):
    """Products with everything a document needs: after the rows are fetched
    (also per chunk of ``iterator()``) ``load_document_rows`` attaches the
    related rows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._doc_scope = None

    def _clone(self):
        clone = super()._clone()
        clone._doc_scope = self._doc_scope
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if not fetched and self._result_cache and self._iterable_class is ModelIterable:
            load_document_rows(self._result_cache, self._doc_scope)

    def _iterator(self, use_chunked_fetch, chunk_size):
        if self._iterable_class is not ModelIterable:
            yield from super()._iterator(use_chunked_fetch, chunk_size)
            return
        size = chunk_size or 2000
        iterator = iter(self._iterable_class(self, chunked_fetch=use_chunked_fetch, chunk_size=size))
        while results := list(islice(iterator, size)):
            if self._prefetch_related_lookups:
                prefetch_related_objects(results, *self._prefetch_related_lookups)
            load_document_rows(results, self._doc_scope)
            yield from results


def document_queryset(channel=None):
    """Products loaded for ``build_document`` (and completeness): a constant
    number of queries however many products are evaluated.

    With a channel, prices and text overrides are limited to that channel's
    price list and overrides; without one, all of them are loaded (the
    builder filters in memory either way)."""
    queryset = DocumentQuerySet(model=Product).select_related("brand", "family", "replacement")
    if channel is not None:
        ctx = channel_context(channel)
        queryset._doc_scope = (ctx.channel_id, ctx.price_list_id)
    return queryset


# --- Pieces of the document ---------------------------------------------------

def _number_value(number):
    if number is None:
        return None
    normalized = Decimal(number).normalize()
    if normalized == normalized.to_integral_value():
        return int(normalized)
    return float(normalized)


def _option_label(option, locale):
    return label_of(option, locale, default=option.code)


def attribute_entry(value, locale):
    """{"code","label","value","display","unit"} of one stored value, or None
    when empty. Remembered on the value per language: every channel that
    shows the value in that language shows the same entry."""
    entries = value.__dict__.get("_doc_entries")
    if entries is None:
        entries = value._doc_entries = {}
    if locale not in entries:
        entries[locale] = _attribute_entry(value, locale)
    return entries[locale]


def _attribute_entry(value, locale):
    attribute = value.attribute
    T = Attribute.Type
    kind = attribute.type
    unit = attribute.unit or None
    if kind in (T.NUMBER, T.MEASUREMENT):
        if value.value_number is None:
            return None
        raw = _number_value(value.value_number)
        if kind == T.MEASUREMENT or unit:
            display = format_measurement(value.value_number, attribute.unit, locale, attribute.decimal_places)
        else:
            display = format_number(value.value_number, locale, attribute.decimal_places)
    elif kind == T.BOOLEAN:
        if value.value_bool is None:
            return None
        raw, display = value.value_bool, format_boolean(value.value_bool, locale)
    elif kind == T.DATE:
        if value.value_date is None:
            return None
        raw, display = value.value_date.isoformat(), format_date(value.value_date, locale)
    elif kind == T.SELECT:
        if value.option is None:
            return None
        raw, display = value.option.code, _option_label(value.option, locale)
    elif kind == T.MULTI_SELECT:
        options = list(rows_of(value, "options"))
        if not options:
            return None
        options.sort(key=lambda o: (o.position, o.code))
        raw = [o.code for o in options]
        display = ", ".join(_option_label(o, locale) for o in options)
    else:
        if is_blank(value.value_text):
            return None
        raw = display = value.value_text
    return {
        "code": attribute.code,
        "label": label_of(attribute, locale, default=attribute.code),
        "value": raw,
        "display": display,
        "unit": unit,
    }


def _attributes(product, ctx, locale, fallbacks, fallback_used):
    by_attribute = {}
    for value in rows_of(product, "attribute_values"):
        if value.attribute_id in ctx.hidden_attribute_ids:
            continue
        by_attribute.setdefault(value.attribute_id, {})[value.language_code] = value
    entries = []
    for per_language in by_attribute.values():
        attribute = next(iter(per_language.values())).attribute
        if attribute.localizable:
            entry = None
            if locale in per_language:
                entry = attribute_entry(per_language[locale], locale)
            if entry is None:
                for code in fallbacks:
                    if code in per_language:
                        entry = attribute_entry(per_language[code], locale)
                        if entry is not None:
                            fallback_used.append(f"attr:{attribute.code}")
                            break
        else:
            entry = attribute_entry(per_language[""], locale) if "" in per_language else None
        if entry is not None:
            entries.append(((attribute.position, attribute.code), entry))
    entries.sort(key=lambda pair: pair[0])
    return [entry for _key, entry in entries]


def _price_open(price, now):
    if price.valid_from and now < price.valid_from:
        return False
    if price.valid_until and now >= price.valid_until:
        return False
    return True


def _price_block(prices, ctx, now):
    """{"amount","currency","includes_vat"} (+ "sale" while a dated price is
    open) from the prices of one product or variant in the channel's list."""
    regular = [p for p in prices if not p.valid_from and not p.valid_until]
    sales = [p for p in prices if (p.valid_from or p.valid_until) and _price_open(p, now)]
    if not regular and not sales:
        return None
    sale = min(sales, key=lambda p: p.amount) if sales else None
    base = min(regular, key=lambda p: p.amount) if regular else sale
    block = {
        "amount": money_amount(base.amount),
        "currency": ctx.currency,
        "includes_vat": ctx.includes_vat,
    }
    if sale is not None and sale is not base and sale.amount < base.amount:
        block["sale"] = {
            "amount": money_amount(sale.amount),
            "from": sale.valid_from.isoformat() if sale.valid_from else None,
            "until": sale.valid_until.isoformat() if sale.valid_until else None,
        }
    return block


def _price_list_open(ctx, now):
    price_list = ctx.price_list
    if price_list is None:
        return False
    if price_list.valid_from and now < price_list.valid_from:
        return False
    if price_list.valid_until and now >= price_list.valid_until:
        return False
    return True


def availability_of(quantity, product, today):
    """in_stock / out_of_stock / preorder / backorder, decided in one place."""
    if product.available_from and product.available_from > today:
        return "preorder"
    if quantity > 0:
        return "in_stock"
    if product.backorder_allowed:
        return "backorder"
    return "out_of_stock"


def _stores(stock_rows, product, locale, today):
    per_store = {}
    for row in stock_rows:
        if row.store.kind != row.store.Kind.STORE:
            continue
        entry = per_store.setdefault(row.store.code, [row.store, 0])
        entry[1] += max(row.quantity, 0)
    return [
        {
            "code": code,
            "name": label_of(store, locale, field="name", default=code),
            "availability": availability_of(quantity, product, today),
            "quantity": quantity,
        }
        for code, (store, quantity) in sorted(per_store.items())
    ]


def _image_urls(image_file):
    """(file URL, [(rendition URL, width, format)]) of an image file, cached
    on the instance (the loading plan shares one per file)."""
    urls = image_file.__dict__.get("_doc_urls")
    if urls is None:
        urls = image_file._doc_urls = (
            media_url(image_file.file.name),
            [(media_url(name), width, fmt) for width, fmt, name in rendition_plan(image_file)],
        )
    return urls


def _image_entry(image, locale, fallbacks, silent):
    image_file = image.image_file
    alt, from_fallback = translated(image, "alt", locale, fallbacks)
    if from_fallback:
        silent.append("image alt")
    url, renditions = _image_urls(image_file)
    return {
        "url": url,
        "alt": alt,
        "width": image_file.width,
        "height": image_file.height,
        "role": image.role,
        "renditions": [{"url": r_url, "width": width, "format": fmt} for r_url, width, fmt in renditions],
    }


def _image_order(image):
    return (image.role != ProductImage.Role.MAIN, image.position, image.pk)


def _related_entry(related, kind, locale, fallbacks, silent):
    name, name_fallback = translated(related, "name", locale, fallbacks)
    slug, slug_fallback = translated(related, "slug", locale, fallbacks)
    if name_fallback or slug_fallback:
        silent.append("related")
    return {
        "kind": kind,
        "sku": related.sku,
        "name": name,
        "url": product_url(locale, slug) if slug else None,
    }


def _file_entries(product, locale):
    """The product's documents (manuals, safety sheets …) in ``locale``: a
    document is a file in one language, so there is no fallback."""
    files = sorted((f for f in rows_of(product, "documents") if f.language_code == locale and f.file),
                   key=lambda f: (f.position, f.pk))
    return [{"title": f.title, "kind": f.kind, "url": media_url(f.file.name)} for f in files]


def _google_category(category, nodes):
    """The Google product category of a category: its own mapping, else the
    nearest mapped ancestor's (one mapping on "Tools" covers its subtree)."""
    if category.google_product_category:
        return category.google_product_category
    for node in reversed(nodes):
        if node.google_product_category:
            return node.google_product_category
    return None


# --- The builder --------------------------------------------------------------

def build_document(product, channel, locale, *, now=None, fell_back=None):
    """The resolved document of ``product`` for ``channel`` in ``locale``.

    Reads only what ``document_queryset()`` prefetched; ``now`` (default: the
    current time) decides open sale prices and pre-orders. ``fell_back``, a
    list, receives the name of everything served from a fallback language,
    also what the document's ``fallback`` list does not name (claims, image
    texts, related products): empty means the document is the same with
    fallback forbidden (``sharing_keys``).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    ctx = channel_context(channel)
    fallbacks = fallback_languages(locale) if allows_fallback(ctx, locale) else []
    fallback_used, silent = [], []

    overrides = {
        o.field: o.value
        for o in rows_of(product, "text_overrides")
        if o.channel_id == ctx.channel_id and o.language_code == locale
    }
    texts = {}
    for field in TEXT_FIELDS:
        if field in overrides and not is_blank(overrides[field]):
            texts[field] = overrides[field]
            continue
        value, from_fallback = translated(product, field, locale, fallbacks)
        texts[field] = value
        if from_fallback:
            fallback_used.append(field)
    slug, slug_fallback = translated(product, "slug", locale, fallbacks)
    if slug_fallback:
        fallback_used.append("url")
    claims, claims_fallback = translated(product, "marketing_claims", locale, fallbacks)
    if claims_fallback:
        silent.append("claims")

    categories = []
    for category in sorted(rows_of(product, "categories"), key=lambda c: c.tree_path):
        nodes = getattr(category, "_path_nodes", None)
        if nodes is None:  # not loaded through document_queryset()
            attach_category_paths([product])
            nodes = category._path_nodes
        entry = {
            "code": category.code,
            "name": label_of(category, locale, field="name", default=category.code),
            "path": " > ".join(label_of(n, locale, field="name", default=n.code) for n in nodes),
        }
        google_category = _google_category(category, nodes)
        if google_category:  # only mapped categories carry it (marketplace feeds)
            entry["google_product_category"] = google_category
        categories.append(entry)

    price_open = _price_list_open(ctx, now)
    prices = [p for p in rows_of(product, "prices") if p.price_list_id == ctx.price_list_id] if price_open else []
    own_prices = [p for p in prices if p.variant_id is None]
    stock_rows = list(rows_of(product, "stock"))
    images = sorted(rows_of(product, "images"), key=_image_order)

    variants = []
    for variant in rows_of(product, "variants"):
        variant_prices = [p for p in prices if p.variant_id == variant.pk] or own_prices
        variant_stock = [row for row in stock_rows if row.variant_id == variant.pk]
        quantity = sum(max(row.quantity, 0) for row in variant_stock)
        axes = {}
        for option in sorted(rows_of(variant, "axis_values"), key=lambda o: (o.attribute.position, o.attribute.code)):
            axes[option.attribute.code] = _option_label(option, locale)
        variants.append({
            "sku": variant.sku,
            "gtin": variant.gtin or None,
            "axes": axes,
            "price": _price_block(variant_prices, ctx, now),
            "availability": availability_of(quantity, product, today),
            "quantity": quantity,
            "stores": _stores(variant_stock, product, locale, today),
            "images": [_image_entry(i, locale, fallbacks, silent) for i in images if i.variant_id == variant.pk],
            "weight_grams": variant.weight_grams or product.weight_grams,
        })

    price = _price_block(own_prices, ctx, now)
    if price is None:
        priced = [v["price"] for v in variants if v["price"]]
        if priced:
            price = dict(min(priced, key=lambda block: Decimal(block["amount"])))
            price.pop("sale", None)
            price["from"] = True

    quantity = sum(max(row.quantity, 0) for row in stock_rows)
    replacement = None
    if product.replacement_id and product.replacement is not None:
        rep_slug, _ = translated(product.replacement, "slug", locale, fallback_languages(locale))
        replacement = {
            "sku": product.replacement.sku,
            "url": product_url(locale, rep_slug) if rep_slug else None,
        }

    attributes = _attributes(product, ctx, locale, fallbacks, fallback_used)
    own_images = [_image_entry(i, locale, fallbacks, silent) for i in images if i.variant_id is None]
    related = [_related_entry(r.related, r.kind, locale, fallbacks, silent) for r in rows_of(product, "relations")]
    if fell_back is not None:
        fell_back.extend(fallback_used + silent)
    return {
        "sku": product.sku,
        "deleted": False,
        "locale": locale,
        "name": texts["name"],
        "short_description": texts["short_description"],
        "description": texts["description"],
        "note": overrides.get("note", ""),
        "claims": [line.strip() for line in claims.splitlines() if line.strip()],
        "brand": product.brand.name if product.brand_id else None,
        "gtin": product.gtin or None,
        "mpn": product.mpn or None,
        "categories": categories,
        "url": product_url(locale, slug) if slug else None,
        "price": price,
        "availability": availability_of(quantity, product, today),
        "available_from": product.available_from.isoformat() if product.available_from else None,
        "quantity": quantity,
        "weight_grams": product.weight_grams,
        "stores": _stores(stock_rows, product, locale, today),
        "images": own_images,
        "attributes": attributes,
        "variants": variants,
        "relations": related,
        "documents": _file_entries(product, locale),
        "status": product.status,
        "replacement": replacement,
        "fallback": fallback_used,
        "updated_at": product.updated_at.isoformat() if product.updated_at else now.isoformat(),
    }


def content_hash(document):
    """sha256 of the document without ``updated_at``: equal content, equal hash."""
    body = {k: v for k, v in document.items() if k != "updated_at"}
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def tombstone_document(sku, locale, updated_at):
    """What the feed serves for a withdrawn or deleted product."""
    return {"sku": sku, "deleted": True, "locale": locale, "updated_at": updated_at.isoformat()}

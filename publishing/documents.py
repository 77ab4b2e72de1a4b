"""The document builder: one resolved dict per product × channel × language.

``build_document(product, channel, locale)`` is the only place where texts,
fallback, overrides, attributes, price, availability, images, variants and
URLs are decided. Every publisher (feed, web, PDF, exports) renders from its
result, so the same product says the same thing everywhere.

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
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from catalog.models import (
    Attribute, AttributeOption, AttributeValue, Category, Price, Product, ProductImage, ProductRelation,
    Stock, Store, Variant,
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
    """A translated label with silent fallback (labels are UI, not content)."""
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
    channel._doc_context = ctx
    return ctx


def allows_fallback(ctx, locale):
    return ctx.fallback_allowed.get(locale, True)


# --- The loading plan -----------------------------------------------------------

def _attach_translations(model, instances_by_id):
    """Load the translations of many shared rows (attributes, options,
    stores, categories) once and hand every instance its table."""
    ids = list(instances_by_id)
    table = {}
    translation_model = model._parler_meta.root_model
    for start in range(0, len(ids), 5000):  # below SQLite's variable limit
        for row in translation_model.objects.filter(master_id__in=ids[start:start + 5000]):
            table.setdefault(row.master_id, {})[row.language_code] = row
    for pk, instances in instances_by_id.items():
        rows = table.get(pk, {})
        for instance in instances:
            instance._doc_translations = rows


def attach_shared(products):
    """After the prefetch: translations of shared rows in one query per model
    (instead of one copy per product), and each category's ancestor chain
    (``_path_nodes``), at any tree depth."""
    attributes, options, stores, categories = {}, {}, {}, {}
    for product in products:
        for value in product.attribute_values.all():
            attributes.setdefault(value.attribute_id, []).append(value.attribute)
            if value.option_id:
                options.setdefault(value.option_id, []).append(value.option)
            for option in value.options.all():
                options.setdefault(option.pk, []).append(option)
        for variant in product.variants.all():
            for option in variant.axis_values.all():
                options.setdefault(option.pk, []).append(option)
                attributes.setdefault(option.attribute_id, []).append(option.attribute)
        for row in product.stock.all():
            stores.setdefault(row.store_id, []).append(row.store)
        for category in product.categories.all():
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


class DocumentQuerySet(QuerySet):
    """Products with everything a document needs; category ancestor chains
    are attached after the prefetch (also per chunk of ``iterator()``)."""

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        attach_shared(self._result_cache)

    def _iterator(self, use_chunked_fetch, chunk_size):
        if chunk_size is None:
            yield from super()._iterator(use_chunked_fetch, chunk_size)
            return
        iterator = iter(self._iterable_class(self, chunked_fetch=use_chunked_fetch, chunk_size=chunk_size))
        while results := list(islice(iterator, chunk_size)):
            prefetch_related_objects(results, *self._prefetch_related_lookups)
            attach_shared(results)
            yield from results


def document_queryset(channel=None):
    """Products prefetched for ``build_document`` (and completeness): a
    constant number of queries however many products are evaluated.

    With a channel, prices and text overrides are limited to that channel's
    price list and overrides; without one, all of them are loaded (the
    builder filters in memory either way)."""
    ctx = channel_context(channel) if channel is not None else None
    prices = Price.objects.all()
    overrides = None
    if ctx is not None:
        prices = prices.filter(price_list_id=ctx.price_list_id) if ctx.price_list_id else prices.none()
        from .models import TextOverride

        overrides = TextOverride.objects.filter(channel_id=ctx.channel_id)
    lookups = [
        "translations",
        "categories",
        Prefetch(
            "attribute_values",
            queryset=AttributeValue.objects.select_related("attribute", "option").prefetch_related("options"),
        ),
        Prefetch(
            "variants",
            queryset=Variant.objects.filter(is_active=True).prefetch_related(
                Prefetch("axis_values", queryset=AttributeOption.objects.select_related("attribute")),
            ),
        ),
        Prefetch(
            "images",
            queryset=ProductImage.objects.select_related("image_file").prefetch_related("translations"),
        ),
        Prefetch("prices", queryset=prices.order_by("variant_id", "valid_from", "id")),
        Prefetch(
            "stock",
            queryset=Stock.objects.filter(store__is_active=True).select_related("store"),
        ),
        Prefetch(
            "relations",
            queryset=ProductRelation.objects.select_related("related").prefetch_related("related__translations"),
        ),
        "replacement__translations",
        Prefetch("family__family_attributes", queryset=_family_links()),
        Prefetch("text_overrides", queryset=overrides) if overrides is not None else "text_overrides",
    ]
    queryset = DocumentQuerySet(model=Product).select_related("brand", "family", "replacement")
    return queryset.prefetch_related(*lookups)


def _family_links():
    from catalog.models import FamilyAttribute

    return FamilyAttribute.objects.select_related("attribute")


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
    """{"code","label","value","display","unit"} of one stored value, or None when empty."""
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
        options = list(value.options.all())
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
    for value in product.attribute_values.all():
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


def _image_entry(image, locale, fallbacks):
    image_file = image.image_file
    alt, _ = translated(image, "alt", locale, fallbacks)
    return {
        "url": media_url(image_file.file.name),
        "alt": alt,
        "width": image_file.width,
        "height": image_file.height,
        "role": image.role,
        "renditions": [
            {"url": media_url(name), "width": width, "format": fmt}
            for width, fmt, name in rendition_plan(image_file)
        ],
    }


def _image_order(image):
    return (image.role != ProductImage.Role.MAIN, image.position, image.pk)


def _related_entry(related, kind, locale, fallbacks):
    name, _ = translated(related, "name", locale, fallbacks)
    slug, _ = translated(related, "slug", locale, fallbacks)
    return {
        "kind": kind,
        "sku": related.sku,
        "name": name,
        "url": product_url(locale, slug) if slug else None,
    }


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

def build_document(product, channel, locale, *, now=None):
    """The resolved document of ``product`` for ``channel`` in ``locale``.

    Reads only what ``document_queryset()`` prefetched; ``now`` (default: the
    current time) decides open sale prices and pre-orders.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    ctx = channel_context(channel)
    fallbacks = fallback_languages(locale) if allows_fallback(ctx, locale) else []
    fallback_used = []

    overrides = {
        o.field: o.value
        for o in product.text_overrides.all()
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
    claims, _ = translated(product, "marketing_claims", locale, fallbacks)

    categories = []
    for category in sorted(product.categories.all(), key=lambda c: c.tree_path):
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
    prices = [p for p in product.prices.all() if p.price_list_id == ctx.price_list_id] if price_open else []
    own_prices = [p for p in prices if p.variant_id is None]
    stock_rows = list(product.stock.all())
    images = sorted(product.images.all(), key=_image_order)

    variants = []
    for variant in product.variants.all():
        variant_prices = [p for p in prices if p.variant_id == variant.pk] or own_prices
        variant_stock = [row for row in stock_rows if row.variant_id == variant.pk]
        quantity = sum(max(row.quantity, 0) for row in variant_stock)
        axes = {}
        for option in sorted(variant.axis_values.all(), key=lambda o: (o.attribute.position, o.attribute.code)):
            axes[option.attribute.code] = _option_label(option, locale)
        variants.append({
            "sku": variant.sku,
            "gtin": variant.gtin or None,
            "axes": axes,
            "price": _price_block(variant_prices, ctx, now),
            "availability": availability_of(quantity, product, today),
            "quantity": quantity,
            "stores": _stores(variant_stock, product, locale, today),
            "images": [_image_entry(i, locale, fallbacks) for i in images if i.variant_id == variant.pk],
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
        "images": [_image_entry(i, locale, fallbacks) for i in images if i.variant_id is None],
        "attributes": attributes,
        "variants": variants,
        "relations": [
            _related_entry(r.related, r.kind, locale, fallbacks)
            for r in product.relations.all()
        ],
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

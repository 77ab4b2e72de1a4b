"""Bulk writing of planned demo products, one statement batch per table and chunk.

Rows whose ids are needed later (products, variants, images) go through
``bulk_create``; the many leaf rows (translations, attribute values, prices,
stock, links) are inserted with ``executemany`` on plain tuples, which skips
building a model instance per row — most of the load's time otherwise.

``Product.save`` would bump versions, sanitise rich text and refresh search
text one product at a time; here the same outcomes are produced in bulk
(texts sanitised with ``catalog.richtext``, search text composed up front).
"""

import html
from datetime import timedelta
from functools import lru_cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models

from catalog import search
from catalog.models import (
    AttributeValue, Price, Product, ProductDocument, ProductImage, ProductRelation, Stock, Variant,
)
from catalog.richtext import sanitize_html

from . import pictures
from . import vocabulary as V
from .plan import NAME_MARK

BATCH = 1000
SALE_DAYS = 30

ProductTranslation = Product._parler_meta.root_model
ImageTranslation = ProductImage._parler_meta.root_model
ProductCategory = Product.categories.through
VariantAxis = Variant.axis_values.through
ValueOptions = AttributeValue.options.through

# Field types whose Python values need Django's conversion for the database
# (Decimal goes through as it is: both SQLite and psycopg adapt it exactly).
_PREPARED = (models.DateField, models.DateTimeField, models.JSONField)


@lru_cache(maxsize=8192)
def _sanitised(fragment):
    return sanitize_html(fragment)


def description_html(plan, language):
    """The sanitised description: each whole element sanitised once per
    distinct text (the product name stands in as a marker), the name then
    put in escaped, exactly as sanitising the whole text would give it."""
    name = html.escape(plan.names[language], quote=False)
    return "".join(_sanitised(part) for part in plan.description_parts[language]).replace(NAME_MARK, name)


def insert_rows(model, fields, rows):
    """INSERT ``rows`` (tuples in the order of ``fields``, field names as in
    the model) into ``model``'s table; values are prepared the way the ORM
    would prepare them. Returns how many rows."""
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table), ", ".join(quote(f.column) for f in columns), ", ".join(["%s"] * len(columns)),
    )
    prepared = [i for i, f in enumerate(columns) if isinstance(f, _PREPARED)]
    if prepared:
        rows = [
            tuple(columns[i].get_db_prep_save(value, connection) if i in prepared and value is not None else value
                  for i, value in enumerate(row))
            for row in rows
        ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])
    return len(rows)


class ImagePool:
    """ImageFile per (product type, colour), made on first use and shared."""

    def __init__(self):
        self.files = {}
        self.manuals = ManualPool()

    def get(self, key):
        from catalog.images import ingest_image

        image_file = self.files.get(key)
        if image_file is None:
            type_code, colour = key
            image_file = ingest_image(
                pictures.picture(type_code, colour), name=f"{type_code}-{colour}.jpg", renditions=False,
            )
            self.files[key] = image_file
        return image_file


class ManualPool:
    """Stored file name of the manual per (product type, language), written on first use and shared."""

    def __init__(self):
        self.names = {}

    def get(self, type_code, language):
        key = (type_code, language)
        name = self.names.get(key)
        if name is None:
            name = f"documents/demo/{type_code}-manual-{language}.pdf"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(pictures.manual_pdf(type_code, language)))
            self.names[key] = name
        return name


def _colour_labels():
    return {code: labels for code, labels, _rgb in V.OPTIONS["colour"]}


def _value_columns(attribute, value, ref):
    """(value_text, value_number, value_bool, value_date, option_id) of a typed value."""
    kind = attribute.type
    if kind in ("number", "measurement"):
        return "", value, None, None, None
    if kind == "boolean":
        return "", None, value, None, None
    if kind == "date":
        return "", None, None, value, None
    if kind == "select":
        return "", None, None, None, ref.options[(attribute.code, value)].pk
    return value, None, None, None, None


def write_chunk(plans, ref, pool, now):
    """Insert the products of ``plans`` with everything that hangs off them;
    returns {"products", "variants", "values", "prices", "stock", "images", "documents"} counts."""
    counts = {}
    retail, reseller = ref.price_lists["retail-eur"].pk, ref.price_lists["reseller-eur"].pk

    products = [
        Product(
            sku=plan.sku, gtin=plan.gtin, mpn=plan.mpn,
            brand_id=ref.brands[plan.brand].pk, family_id=ref.families[plan.family].pk,
            status=Product.Status.DISCONTINUED if plan.discontinued else Product.Status.ACTIVE,
            available_from=plan.available_from, backorder_allowed=plan.backorder_allowed,
            weight_grams=plan.weight_grams,
            # Names in language-code order, as catalog.search composes them.
            search_text=search.compose(plan.sku, plan.gtin, plan.mpn, [plan.names[k] for k in sorted(plan.names)],
                                       [v.sku for v in plan.variants]),
        )
        for plan in plans
    ]
    Product.objects.bulk_create(products, batch_size=BATCH)
    counts["products"] = len(products)
    pairs = [(plan, product.pk) for plan, product in zip(plans, products)]

    translations = []
    for plan, pk in pairs:
        for lang in V.LANGUAGES:
            translations.append((
                pk, lang, plan.names[lang], plan.slugs[lang], _sanitised(plan.short_descriptions[lang]),
                description_html(plan, lang), plan.claims[lang],
            ))
    insert_rows(ProductTranslation, ("master", "language_code", "name", "slug", "short_description",
                                     "description", "marketing_claims"), translations)
    insert_rows(ProductCategory, ("product", "category"),
                [(pk, ref.categories[plan.category].pk) for plan, pk in pairs])

    variants = [
        (plan, vplan, Variant(product_id=pk, sku=vplan.sku, gtin=vplan.gtin, position=position,
                              weight_grams=plan.weight_grams))
        for plan, pk in pairs for position, vplan in enumerate(plan.variants)
    ]
    Variant.objects.bulk_create([row for _p, _v, row in variants], batch_size=BATCH)
    insert_rows(VariantAxis, ("variant", "attributeoption"),
                [(row.pk, ref.options[(vplan.axis, vplan.option)].pk) for _p, vplan, row in variants])
    counts["variants"] = len(variants)

    # Typed attribute values; multi-select options go to the through table,
    # keyed by the value rows' ids read back in one query.
    values, multi = [], {}
    for plan, pk in pairs:
        for code, language, value in plan.attributes:
            attribute = ref.attributes[code]
            if attribute.type == "multi_select":
                multi[pk] = [ref.options[(code, option)].pk for option in value]
                values.append((pk, attribute.pk, language, "", None, None, None, None))
            else:
                values.append((pk, attribute.pk, language, *_value_columns(attribute, value, ref)))
    counts["values"] = insert_rows(AttributeValue, (
        "product", "attribute", "language_code", "value_text", "value_number", "value_bool", "value_date", "option",
    ), values)
    if multi:
        features = ref.attributes["features"].pk
        value_ids = AttributeValue.objects.filter(attribute_id=features, product_id__in=list(multi)) \
            .values_list("product_id", "pk")
        insert_rows(ValueOptions, ("attributevalue", "attributeoption"), [
            (value_id, option_id) for product_id, value_id in value_ids for option_id in multi[product_id]
        ])

    # Prices (regular, a few sales around the load time) and stock.
    prices, stock = [], []
    sale_from, sale_until = now - timedelta(days=1), now + timedelta(days=SALE_DAYS)
    stores = {code: store.pk for code, store in ref.stores.items()}
    for plan, pk in pairs:
        if plan.price is not None:
            prices.append((retail, pk, None, plan.price, None, None))
            prices.append((reseller, pk, None, plan.reseller_price, None, None))
            if plan.sale_price is not None:
                prices.append((retail, pk, None, plan.sale_price, sale_from, sale_until))
            stock.extend((stores[code], pk, None, quantity) for code, quantity in plan.stock.items())
    for _plan, vplan, row in variants:
        prices.append((retail, row.product_id, row.pk, vplan.price, None, None))
        prices.append((reseller, row.product_id, row.pk, vplan.reseller_price, None, None))
        stock.extend((stores[code], row.product_id, row.pk, quantity) for code, quantity in vplan.stock.items())
    counts["prices"] = insert_rows(Price, ("price_list", "product", "variant", "amount", "valid_from",
                                           "valid_until"), prices)
    counts["stock"] = insert_rows(Stock, ("store", "product", "variant", "quantity"), stock)

    # Pictures: the main one belongs to the product, colour variants get their own.
    variant_rows = {}
    for _plan, vplan, row in variants:
        if vplan.axis == "colour":
            variant_rows.setdefault(row.product_id, []).append((vplan.colour, row.pk))
    images, alts = [], []
    colour_labels = _colour_labels()
    for plan, pk in pairs:
        for position, (colour, variant_id) in enumerate([(plan.colour, None), *variant_rows.get(pk, ())]):
            images.append(ProductImage(
                product_id=pk, variant_id=variant_id, image_file_id=pool.get((plan.type_code, colour)).pk,
                role=ProductImage.Role.MAIN if position == 0 else ProductImage.Role.GALLERY, position=position,
            ))
            alts.append({lang: f"{plan.names[lang]} – {colour_labels[colour][lang]}" for lang in V.LANGUAGES})
    ProductImage.objects.bulk_create(images, batch_size=BATCH)
    insert_rows(ImageTranslation, ("master", "language_code", "alt"), [
        (image.pk, lang, text) for image, texts in zip(images, alts) for lang, text in texts.items()
    ])
    counts["images"] = len(images)

    # A user manual in every language for machines and appliances.
    manuals = pool.manuals
    counts["documents"] = insert_rows(ProductDocument, ("product", "language_code", "kind", "title", "file",
                                                        "position"), [
        (pk, lang, ProductDocument.Kind.MANUAL, V.MANUAL_TITLE[lang], manuals.get(plan.type_code, lang), 0)
        for plan, pk in pairs if plan.family in V.MANUAL_FAMILIES for lang in V.LANGUAGES
    ])
    return counts


def write_links(plans, sku_to_id):
    """Relations and replacements between products (after all are written);
    targets that do not exist are skipped. Returns how many relations."""
    relations, replacements = [], []
    for plan in plans:
        product_id = sku_to_id.get(plan.sku)
        seen = set()
        for position, (kind, sku) in enumerate(plan.relations):
            related_id = sku_to_id.get(sku)
            if product_id and related_id and related_id != product_id and (related_id, kind) not in seen:
                seen.add((related_id, kind))
                relations.append((product_id, related_id, kind, position))
        if plan.replacement_sku and sku_to_id.get(plan.replacement_sku):
            replacements.append(Product(pk=product_id, replacement_id=sku_to_id[plan.replacement_sku]))
    insert_rows(ProductRelation, ("product", "related", "kind", "position"), relations)
    if replacements:
        Product.objects.bulk_update(replacements, ["replacement"], batch_size=BATCH)
    return len(relations)

"""Bulk writing of planned demo products: one bulk insert per table and chunk.

``Product.save`` would bump versions, sanitise rich text and refresh search
text one product at a time; here the same outcomes are produced in bulk
(texts sanitised with ``catalog.richtext``, search text composed up front).
"""

from datetime import timedelta

from catalog import search
from catalog.models import (
    AttributeValue, Price, Product, ProductImage, ProductRelation, Stock, Variant,
)
from catalog.richtext import sanitize_html

from . import pictures
from . import vocabulary as V

BATCH = 1000
SALE_DAYS = 30

ProductTranslation = Product._parler_meta.root_model
ImageTranslation = ProductImage._parler_meta.root_model
ProductCategory = Product.categories.through
VariantAxis = Variant.axis_values.through
ValueOptions = AttributeValue.options.through


class ImagePool:
    """ImageFile per (product type, colour), made on first use and shared."""

    def __init__(self):
        self.files = {}

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


def _sanitised(texts):
    return {lang: sanitize_html(text) for lang, text in texts.items()}


def _colour_label(colour, language):
    return next(labels[language] for code, labels, _rgb in V.OPTIONS["colour"] if code == colour)


def _typed_value(value_row, attribute, value, ref):
    """Put ``value`` into the column of the attribute's type."""
    kind = attribute.type
    if kind in ("number", "measurement"):
        value_row.value_number = value
    elif kind == "boolean":
        value_row.value_bool = value
    elif kind == "date":
        value_row.value_date = value
    elif kind == "select":
        value_row.option_id = ref.options[(attribute.code, value)].pk
    elif kind == "text":
        value_row.value_text = value
    return value_row


def write_chunk(plans, ref, pool, now):
    """Insert the products of ``plans`` with everything that hangs off them;
    returns {"products", "variants", "values", "prices", "stock", "images"} counts."""
    counts = dict(products=0, variants=0, values=0, prices=0, stock=0, images=0)
    retail, reseller = ref.price_lists["retail-eur"], ref.price_lists["reseller-eur"]

    products = []
    for plan in plans:
        products.append(Product(
            sku=plan.sku, gtin=plan.gtin, mpn=plan.mpn,
            brand_id=ref.brands[plan.brand].pk, family_id=ref.families[plan.family].pk,
            status=Product.Status.DISCONTINUED if plan.discontinued else Product.Status.ACTIVE,
            available_from=plan.available_from, backorder_allowed=plan.backorder_allowed,
            weight_grams=plan.weight_grams,
            search_text=search.compose(plan.sku, plan.gtin, plan.mpn, plan.names.values(),
                                       [v.sku for v in plan.variants]),
        ))
    Product.objects.bulk_create(products, batch_size=BATCH)
    counts["products"] = len(products)

    translations, categories, variants = [], [], []
    for plan, product in zip(plans, products):
        shorts, longs = _sanitised(plan.short_descriptions), _sanitised(plan.descriptions)
        for lang in V.LANGUAGES:
            translations.append(ProductTranslation(
                master_id=product.pk, language_code=lang, name=plan.names[lang], slug=plan.slugs[lang],
                short_description=shorts[lang], description=longs[lang], marketing_claims=plan.claims[lang],
            ))
        categories.append(ProductCategory(product_id=product.pk, category_id=ref.categories[plan.category].pk))
        for position, vplan in enumerate(plan.variants):
            variants.append((plan, vplan, Variant(
                product_id=product.pk, sku=vplan.sku, gtin=vplan.gtin, position=position,
                weight_grams=plan.weight_grams,
            )))
    ProductTranslation.objects.bulk_create(translations, batch_size=BATCH)
    ProductCategory.objects.bulk_create(categories, batch_size=BATCH)
    Variant.objects.bulk_create([row for _p, _v, row in variants], batch_size=BATCH)
    VariantAxis.objects.bulk_create([
        VariantAxis(variant_id=row.pk, attributeoption_id=ref.options[(vplan.axis, vplan.option)].pk)
        for _p, vplan, row in variants
    ], batch_size=BATCH)
    counts["variants"] = len(variants)

    # Typed attribute values (multi-select options go to the through table).
    values, multi = [], []
    for plan, product in zip(plans, products):
        for code, language, value in plan.attributes:
            attribute = ref.attributes[code]
            row = AttributeValue(product_id=product.pk, attribute_id=attribute.pk, language_code=language)
            values.append(row)
            if attribute.type == "multi_select":
                multi.append((row, [ref.options[(code, option)].pk for option in value]))
            else:
                _typed_value(row, attribute, value, ref)
    AttributeValue.objects.bulk_create(values, batch_size=BATCH)
    ValueOptions.objects.bulk_create([
        ValueOptions(attributevalue_id=row.pk, attributeoption_id=option_id)
        for row, option_ids in multi for option_id in option_ids
    ], batch_size=BATCH)
    counts["values"] = len(values)

    # Prices (regular, a few sales around the load time) and stock.
    prices, stock = [], []
    sale_from, sale_until = now - timedelta(days=1), now + timedelta(days=SALE_DAYS)
    for plan, product in zip(plans, products):
        if plan.price is not None:
            prices.append(Price(price_list_id=retail.pk, product_id=product.pk, amount=plan.price))
            prices.append(Price(price_list_id=reseller.pk, product_id=product.pk, amount=plan.reseller_price))
            if plan.sale_price is not None:
                prices.append(Price(price_list_id=retail.pk, product_id=product.pk, amount=plan.sale_price,
                                    valid_from=sale_from, valid_until=sale_until))
            for store_code, quantity in plan.stock.items():
                stock.append(Stock(store_id=ref.stores[store_code].pk, product_id=product.pk, quantity=quantity))
    for plan, vplan, row in variants:
        prices.append(Price(price_list_id=retail.pk, product_id=row.product_id, variant_id=row.pk,
                            amount=vplan.price))
        prices.append(Price(price_list_id=reseller.pk, product_id=row.product_id, variant_id=row.pk,
                            amount=vplan.reseller_price))
        for store_code, quantity in vplan.stock.items():
            stock.append(Stock(store_id=ref.stores[store_code].pk, product_id=row.product_id,
                               variant_id=row.pk, quantity=quantity))
    Price.objects.bulk_create(prices, batch_size=BATCH)
    Stock.objects.bulk_create(stock, batch_size=BATCH)
    counts["prices"], counts["stock"] = len(prices), len(stock)

    # Pictures: the main one, then one per further variant colour, with alt text.
    images, alts = [], []
    variant_rows = {}
    for _plan, vplan, row in variants:
        variant_rows.setdefault(row.product_id, []).append((vplan, row))
    for plan, product in zip(plans, products):
        # The main picture belongs to the product; colour variants get their own.
        shown = [(plan.colour, None)] + [
            (vplan.colour, row) for vplan, row in variant_rows.get(product.pk, ()) if vplan.axis == "colour"
        ]
        for position, (colour, variant) in enumerate(shown):
            image = ProductImage(
                product_id=product.pk, variant_id=variant.pk if variant else None,
                image_file_id=pool.get((plan.type_code, colour)).pk,
                role=ProductImage.Role.MAIN if position == 0 else ProductImage.Role.GALLERY, position=position,
            )
            images.append(image)
            alts.append((image, {lang: f"{plan.names[lang]} – {_colour_label(colour, lang)}"
                                 for lang in V.LANGUAGES}))
    ProductImage.objects.bulk_create(images, batch_size=BATCH)
    ImageTranslation.objects.bulk_create([
        ImageTranslation(master_id=image.pk, language_code=lang, alt=text)
        for image, texts in alts for lang, text in texts.items()
    ], batch_size=BATCH)
    counts["images"] = len(images)
    return counts


def write_links(plans, sku_to_id):
    """Relations and replacements between products (after all are written);
    targets that do not exist are skipped. Returns how many relations."""
    relations, replacements = [], []
    for plan in plans:
        product_id = sku_to_id.get(plan.sku)
        for position, (kind, sku) in enumerate(plan.relations):
            related_id = sku_to_id.get(sku)
            if product_id and related_id and related_id != product_id:
                relations.append(ProductRelation(product_id=product_id, related_id=related_id, kind=kind,
                                                 position=position))
        if plan.replacement_sku and sku_to_id.get(plan.replacement_sku):
            replacements.append(Product(pk=product_id, replacement_id=sku_to_id[plan.replacement_sku]))
    ProductRelation.objects.bulk_create(relations, batch_size=BATCH, ignore_conflicts=True)
    if replacements:
        Product.objects.bulk_update(replacements, ["replacement"], batch_size=BATCH)
    return len(relations)

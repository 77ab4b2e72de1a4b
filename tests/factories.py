"""Small builders for test data, shared by every test package."""

from decimal import Decimal

from catalog.models import (
    Attribute, AttributeOption, AttributeValue, Brand, Category, Family, FamilyAttribute,
    Price, PriceList, Product, Stock, Store, Variant,
)

_counter = iter(range(1, 10**9))


def unique(prefix):
    return f"{prefix}{next(_counter)}"


def make_category(code=None, parent=None, names=None):
    category = Category(code=code or unique("cat"), parent=parent)
    for lang, name in (names or {"en": "Tools", "fi": "Työkalut"}).items():
        category.set_current_language(lang)
        category.name = name
        category.slug = f"{name.lower().replace(' ', '-')}-{category.code}"
    category.save()
    return category


def make_attribute(code=None, type=Attribute.Type.TEXT, localizable=False, unit="", labels=None, **extra):
    attribute = Attribute(code=code or unique("attr"), type=type, localizable=localizable, unit=unit, **extra)
    for lang, label in (labels or {"en": (code or "Attribute").title()}).items():
        attribute.set_current_language(lang)
        attribute.label = label
    attribute.save()
    return attribute


def make_option(attribute, code, labels):
    option = AttributeOption(attribute=attribute, code=code)
    for lang, label in labels.items():
        option.set_current_language(lang)
        option.label = label
    option.save()
    return option


def make_family(code=None, attributes=(), required=()):
    family = Family(code=code or unique("fam"))
    family.set_current_language("en")
    family.name = family.code
    family.save()
    for position, attribute in enumerate(attributes):
        FamilyAttribute.objects.create(
            family=family, attribute=attribute, position=position, required=attribute in required,
        )
    return family


def make_price_list(code="retail", currency="EUR", **extra):
    price_list, _ = PriceList.objects.get_or_create(code=code, defaults={"currency": currency, **extra})
    if not price_list.has_translation("en"):
        price_list.set_current_language("en")
        price_list.name = code.title()
        price_list.save()
    return price_list


def make_store(code=None, names=None, kind=Store.Kind.STORE):
    store = Store(code=code or unique("store"), kind=kind, city="Helsinki")
    for lang, name in (names or {"en": "Kamppi store", "fi": "Kampin myymälä"}).items():
        store.set_current_language(lang)
        store.name = name
    store.save()
    return store


def make_product(sku=None, names=None, family=None, brand=None, categories=(), price=None,
                 price_list=None, stock=None, **fields):
    """A product with translations {lang: name}; slugs follow the names."""
    product = Product(sku=sku or unique("SKU-"), family=family, brand=brand, **fields)
    names = names if names is not None else {"en": "Cordless drill", "fi": "Akkuporakone"}
    for lang, name in names.items():
        product.set_current_language(lang)
        product.name = name
        product.slug = f"{name.lower().replace(' ', '-')}-{product.sku.lower()}"
        product.short_description = f"<p>{name}</p>"
        product.description = f"<p>{name} description</p>"
    product.save()
    if categories:
        product.categories.set(categories)
    if price is not None:
        Price.objects.create(price_list=price_list or make_price_list(), product=product, amount=Decimal(price))
    for store, quantity in (stock or {}).items():
        Stock.objects.create(store=store, product=product, quantity=quantity)
    return product


def set_value(product, attribute, value, language=""):
    """Store a typed value the way the admin and import do."""
    av, _ = AttributeValue.objects.get_or_create(product=product, attribute=attribute, language_code=language)
    T = Attribute.Type
    if attribute.type in (T.NUMBER, T.MEASUREMENT):
        av.value_number = Decimal(str(value))
    elif attribute.type == T.BOOLEAN:
        av.value_bool = value
    elif attribute.type == T.DATE:
        av.value_date = value
    elif attribute.type == T.SELECT:
        av.option = value
    elif attribute.type != T.MULTI_SELECT:
        av.value_text = value
    av.save()
    if attribute.type == T.MULTI_SELECT:
        av.options.set(value)
    return av


def make_variant(product, sku=None, axis_values=(), gtin=""):
    variant = Variant.objects.create(product=product, sku=sku or unique(product.sku + "-"), gtin=gtin)
    if axis_values:
        variant.axis_values.set(axis_values)
    return variant


def make_brand(code=None, name="Nordtool"):
    return Brand.objects.create(code=code or unique("brand"), name=name)

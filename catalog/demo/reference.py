"""The shared rows of the demo catalog: categories, brands, attributes with
options, families, stores and price lists (created once, found again on
``--append``)."""

from dataclasses import dataclass, field

from django.utils.text import slugify

from catalog.models import (
    Attribute, AttributeOption, Brand, Category, Family, FamilyAttribute, PriceList, Store,
)

from . import vocabulary as V


@dataclass
class Reference:
    """Rows by code, for the product builder."""

    categories: dict = field(default_factory=dict)
    brands: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)  # (attribute code, option code) -> AttributeOption
    families: dict = field(default_factory=dict)
    stores: dict = field(default_factory=dict)
    price_lists: dict = field(default_factory=dict)


def _translate(obj, texts, **fields_per_language):
    """Set translated fields of a parler object for every language of ``texts``."""
    for language in V.LANGUAGES:
        obj.set_current_language(language)
        for name, values in fields_per_language.items():
            setattr(obj, name, values[language])


def _categories(ref):
    for position, (code, parent, names, google) in enumerate(V.CATEGORIES):
        category = Category.objects.filter(code=code).first()
        if category is None:
            category = Category(code=code, parent=ref.categories.get(parent), position=position,
                                google_product_category=google)
            slugs = {lang: slugify(name, allow_unicode=True) for lang, name in names.items()}
            descriptions = {lang: V.CATEGORY_DESCRIPTION[lang].format(name=name) for lang, name in names.items()}
            _translate(category, names, name=names, slug=slugs, description=descriptions)
            category.save()
        ref.categories[code] = category


def _brands(ref):
    for code, facts in V.BRANDS.items():
        brand = Brand.objects.filter(code=code).first()
        if brand is None:
            brand = Brand(code=code, name=facts["name"])
            _translate(brand, facts["description"], description=facts["description"])
            brand.save()
        ref.brands[code] = brand


def _attributes(ref):
    for position, (code, kind, unit, places, localizable, axis, labels) in enumerate(V.ATTRIBUTES):
        attribute = Attribute.objects.filter(code=code).first()
        if attribute is None:
            attribute = Attribute(code=code, type=kind, unit=unit, decimal_places=places,
                                  localizable=localizable, is_variant_axis=axis, position=position * 10)
            _translate(attribute, labels, label=labels)
            attribute.save()
        ref.attributes[code] = attribute
        for option_position, (option_code, option_labels, _rgb) in enumerate(V.OPTIONS.get(code, ())):
            option = AttributeOption.objects.filter(attribute=attribute, code=option_code).first()
            if option is None:
                option = AttributeOption(attribute=attribute, code=option_code, position=option_position)
                _translate(option, option_labels, label=option_labels)
                option.save()
            ref.options[(code, option_code)] = option


def _families(ref):
    for code, (names, members, _care) in V.FAMILIES.items():
        family = Family.objects.filter(code=code).first()
        if family is None:
            family = Family(code=code)
            _translate(family, names, name=names)
            family.save()
            FamilyAttribute.objects.bulk_create([
                FamilyAttribute(family=family, attribute=ref.attributes[attr], required=required,
                                position=position)
                for position, (attr, required) in enumerate(members)
            ])
        ref.families[code] = family


def _stores(ref):
    for code, kind, city, address, country, names in V.STORES:
        store = Store.objects.filter(code=code).first()
        if store is None:
            store = Store(code=code, kind=kind, city=city, address=address, country=country)
            _translate(store, names, name=names)
            store.save()
        ref.stores[code] = store


def _price_lists(ref):
    for code, kind, includes_vat, names in V.PRICE_LISTS:
        price_list = PriceList.objects.filter(code=code).first()
        if price_list is None:
            price_list = PriceList(code=code, kind=kind, currency="EUR", includes_vat=includes_vat)
            _translate(price_list, names, name=names)
            price_list.save()
        ref.price_lists[code] = price_list


def ensure_reference():
    """Create (or find) every shared row and return them by code."""
    ref = Reference()
    _categories(ref)
    _brands(ref)
    _attributes(ref)
    _families(ref)
    _stores(ref)
    _price_lists(ref)
    return ref

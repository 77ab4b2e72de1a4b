"""The spreadsheet layout: which columns exist, how a header names one, and
the text of each cell for a product or variant (shared by export and import).

Headers: ``sku``, ``parent_sku``, ``status``, ``gtin``, ``mpn``, ``brand``,
``family``, ``categories``, one column per translated field and language
(``name[fi]``), ``attr:CODE`` or ``attr:CODE[fi]`` for attributes,
``price:LIST`` for the undated price of a price list and ``stock:STORE`` for
the quantity in a store. Several codes in one cell are separated by ``|``.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ..models import Attribute, AttributeValue, Price, PriceList, Product, Stock, Store, Variant
from ..models.products import TRANSLATED_PRODUCT_FIELDS

SEPARATOR = "|"
ROW_FIELDS = ("status", "gtin", "mpn", "brand", "family", "categories")
#: Columns a variant row may fill (besides axis attributes); the rest stay empty.
VARIANT_KINDS = {"sku", "parent_sku", "gtin", "price", "stock"}
HEADER = re.compile(r"^(?P<base>[^\[\]]+?)(?:\[(?P<language>[^\[\]]*)\])?$")


class HeaderError(Exception):
    """A header cell that names no known column."""


@dataclass(eq=False)
class Column:
    header: str
    kind: str  # sku, parent_sku, field, text, attribute, price, stock
    name: str = ""  # field name, attribute / price list / store code
    language: str = ""
    attribute: Attribute | None = field(default=None, repr=False)

    @property
    def on_variants(self):
        """Whether a variant row may carry a value in this column."""
        if self.kind in VARIANT_KINDS or (self.kind == "field" and self.name == "gtin"):
            return True
        attribute = self.attribute
        return self.kind == "attribute" and attribute.is_variant_axis and attribute.type == Attribute.Type.SELECT


class Reference:
    """Attributes, price lists and stores by code, loaded once per export or import."""

    def __init__(self):
        attributes = Attribute.objects.prefetch_related("options").order_by("position", "code")
        self.attributes = {a.code: a for a in attributes}
        self.attributes_by_id = {a.pk: a for a in self.attributes.values()}
        self.price_lists = {p.code: p for p in PriceList.objects.order_by("code")}
        self.stores = {s.code: s for s in Store.objects.order_by("code")}
        self.languages = list(settings.LANGUAGE_CODES)


def all_columns(reference):
    """Every column of a full export, in the order it writes them."""
    columns = [Column("sku", "sku"), Column("parent_sku", "parent_sku")]
    columns += [Column(name, "field", name) for name in ROW_FIELDS]
    for name in TRANSLATED_PRODUCT_FIELDS:
        columns += [Column(f"{name}[{lang}]", "text", name, lang) for lang in reference.languages]
    for attribute in reference.attributes.values():
        if attribute.localizable:
            columns += [Column(f"attr:{attribute.code}[{lang}]", "attribute", attribute.code, lang, attribute)
                        for lang in reference.languages]
        else:
            columns.append(Column(f"attr:{attribute.code}", "attribute", attribute.code, "", attribute))
    columns += [Column(f"price:{code}", "price", code) for code in reference.price_lists]
    columns += [Column(f"stock:{code}", "stock", code) for code in reference.stores]
    return columns


def _languages_text(reference):
    return ", ".join(reference.languages)


def parse_header(text, reference):
    """The Column a header names; HeaderError with a clear message otherwise."""
    header = (text or "").strip()
    match = HEADER.match(header)
    if not match:
        raise HeaderError(_("Unknown column '%(header)s'.") % {"header": header})
    base, language = match.group("base").strip(), match.group("language")
    if language is not None and language not in reference.languages:
        raise HeaderError(_("Unknown language '%(language)s' in column '%(header)s'. Use one of: %(codes)s.") % {
            "language": language, "header": header, "codes": _languages_text(reference)})
    language = language or ""
    if base in ("sku", "parent_sku") or base in ROW_FIELDS:
        if language:
            raise HeaderError(_("Column '%(base)s' is the same in every language: write '%(base)s'.") % {"base": base})
        kind = base if base in ("sku", "parent_sku") else "field"
        return Column(header, kind, base)
    if base in TRANSLATED_PRODUCT_FIELDS:
        if not language:
            raise HeaderError(_("Column '%(base)s' needs a language, e.g. '%(base)s[%(example)s]'.") % {
                "base": base, "example": reference.languages[0]})
        return Column(header, "text", base, language)
    prefix, _sep, code = base.partition(":")
    if prefix == "attr" and code:
        attribute = reference.attributes.get(code)
        if attribute is None:
            raise HeaderError(_("Unknown attribute '%(code)s' in column '%(header)s'.") % {
                "code": code, "header": header})
        if attribute.localizable and not language:
            raise HeaderError(_("Attribute '%(code)s' differs per language: write 'attr:%(code)s[%(example)s]'.") % {
                "code": code, "example": reference.languages[0]})
        if not attribute.localizable and language:
            raise HeaderError(_("Attribute '%(code)s' is the same in every language: write 'attr:%(code)s'.") % {
                "code": code})
        return Column(header, "attribute", code, language, attribute)
    if prefix in ("price", "stock") and code:
        known = reference.price_lists if prefix == "price" else reference.stores
        if code not in known:
            message = _("Unknown price list '%(code)s'.") if prefix == "price" else _("Unknown store '%(code)s'.")
            raise HeaderError(message % {"code": code})
        if language:
            raise HeaderError(_("Column '%(base)s' is the same in every language: write '%(base)s'.") % {"base": base})
        return Column(header, prefix, code)
    raise HeaderError(_("Unknown column '%(header)s'.") % {"header": header})


# --- loading ------------------------------------------------------------------

def products_for_sheet():
    """Products with everything a sheet row shows, in one plan per batch. The
    lookups carry the names catalog.services loads for writing, so a checked
    product needs no further query."""
    values = AttributeValue.objects.select_related("attribute", "option").prefetch_related("options")
    return Product.objects.select_related("brand", "family").prefetch_related(
        "translations",
        "categories",
        Prefetch("attribute_values", queryset=values),
        Prefetch("variants", queryset=Variant.objects.prefetch_related("axis_values")),
        Prefetch("prices", queryset=Price.objects.select_related("price_list", "variant")),
        Prefetch("stock", queryset=Stock.objects.select_related("store", "variant")),
    )


# --- cell text ----------------------------------------------------------------

def format_decimal(value):
    """A Decimal without trailing zeros or exponent: 12.500000 → "12.5"."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def format_bool(value):
    return "" if value is None else ("true" if value else "false")


def _option_codes(options):
    return SEPARATOR.join(o.code for o in sorted(options, key=lambda o: (o.position, o.code)))


def attribute_text(row):
    """The cell text of a stored AttributeValue."""
    T = Attribute.Type
    kind = row.attribute.type
    if kind in (T.NUMBER, T.MEASUREMENT):
        return format_decimal(row.value_number)
    if kind == T.BOOLEAN:
        return format_bool(row.value_bool)
    if kind == T.DATE:
        return row.value_date.isoformat() if row.value_date else ""
    if kind == T.SELECT:
        return row.option.code if row.option_id else ""
    if kind == T.MULTI_SELECT:
        return _option_codes(row.options.all())
    return row.value_text or ""


def product_cells(product, columns):
    """{header: text} of a product's row for these columns (prefetched product)."""
    translations = {t.language_code: t for t in product.translations.all()}
    values = {(v.attribute_id, v.language_code): v for v in product.attribute_values.all()}
    prices = _base_prices(product, variant_id=None)
    stock = {s.store.code: s.quantity for s in product.stock.all() if s.variant_id is None}
    cells = {}
    for column in columns:
        kind, name = column.kind, column.name
        if kind == "sku":
            text = product.sku
        elif kind == "parent_sku":
            text = ""
        elif kind == "field":
            if name == "brand":
                text = product.brand.code if product.brand_id else ""
            elif name == "family":
                text = product.family.code if product.family_id else ""
            elif name == "categories":
                text = SEPARATOR.join(sorted(c.code for c in product.categories.all()))
            else:
                text = getattr(product, name) or ""
        elif kind == "text":
            translation = translations.get(column.language)
            text = getattr(translation, name, "") or "" if translation is not None else ""
        elif kind == "attribute":
            row = values.get((column.attribute.pk, column.language))
            text = attribute_text(row) if row is not None else ""
        elif kind == "price":
            text = prices.get(name, "")
        else:
            quantity = stock.get(name)
            text = "" if quantity is None else str(quantity)
        cells[column.header] = text
    return cells


def variant_cells(variant, product, columns):
    """{header: text} of a variant's row (product-only columns stay empty)."""
    axes = {o.attribute_id: o.code for o in variant.axis_values.all()}
    prices = _base_prices(product, variant_id=variant.pk)
    stock = {s.store.code: s.quantity for s in product.stock.all() if s.variant_id == variant.pk}
    cells = {}
    for column in columns:
        kind = column.kind
        text = ""
        if kind == "sku":
            text = variant.sku
        elif kind == "parent_sku":
            text = product.sku
        elif kind == "field" and column.name == "gtin":
            text = variant.gtin or ""
        elif kind == "attribute" and column.on_variants:
            text = axes.get(column.attribute.pk, "")
        elif kind == "price":
            text = prices.get(column.name, "")
        elif kind == "stock":
            quantity = stock.get(column.name)
            text = "" if quantity is None else str(quantity)
        cells[column.header] = text
    return cells


def _base_prices(product, variant_id):
    """{price list code: amount text} of the undated prices (sale prices with a
    validity window are not part of the sheet)."""
    return {
        p.price_list.code: f"{p.amount:.2f}" for p in product.prices.all()
        if p.variant_id == variant_id and p.valid_from is None and p.valid_until is None
    }


def is_base_price(price):
    return price.valid_from is None and price.valid_until is None

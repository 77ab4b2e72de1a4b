"""A channel's view as a spreadsheet (CSV or XLSX), e.g. a reseller price list.

One row per product and one per variant (with ``parent_sku``), in the
channel's language and prices, one column per attribute. Every text cell goes
through ``pim.cells.neutralise`` so no cell runs as a formula; amounts and
quantities are written as numbers (a number cannot be a formula).
"""

import csv
import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pim.cells import neutralise

from .offers import amount_of
from .text import TextHandle, one_line, plain_text

AVAILABILITY_LABELS = {
    "in_stock": _("In stock"),
    "out_of_stock": _("Out of stock"),
    "preorder": _("Pre-order"),
    "backorder": _("Backorder"),
}

# (key, header) of the fixed columns; attribute columns follow.
COLUMNS = (
    ("sku", _("SKU")),
    ("parent_sku", _("Parent SKU")),
    ("name", _("Name")),
    ("brand", _("Brand")),
    ("gtin", _("GTIN")),
    ("mpn", _("MPN")),
    ("category", _("Category")),
    ("price", _("Price")),
    ("sale_price", _("Sale price")),
    ("currency", _("Currency")),
    ("includes_vat", _("Includes VAT")),
    ("availability", _("Availability")),
    ("quantity", _("Quantity")),
    ("url", _("Link")),
    ("short_description", _("Short description")),
)
NUMERIC = {"price", "sale_price", "quantity"}


def attribute_columns(documents):
    """[(code, label)] of every attribute and variant axis, in order of first appearance."""
    columns = {}
    for document in documents:
        for attribute in document.get("attributes") or ():
            columns.setdefault(attribute["code"], attribute.get("label") or attribute["code"])
        for variant in document.get("variants") or ():
            for code in (variant.get("axes") or {}):
                columns.setdefault(code, code)
    return list(columns.items())


def _price_cells(price):
    if not price:
        return None, None, "", ""
    amount = amount_of(price.get("amount"))
    sale = amount_of((price.get("sale") or {}).get("amount")) if price.get("sale") else None
    vat = _("yes") if price.get("includes_vat") else _("no")
    return amount, sale, price.get("currency") or "", str(vat)


def _rows(document, attribute_codes):
    category = (document.get("categories") or [{}])[0].get("path", "")
    values = {a["code"]: a.get("display") for a in document.get("attributes") or ()}
    amount, sale, currency, vat = _price_cells(document.get("price"))
    base = {
        "sku": document["sku"], "parent_sku": "", "name": one_line(document.get("name")),
        "brand": document.get("brand") or "", "gtin": document.get("gtin") or "", "mpn": document.get("mpn") or "",
        "category": category, "price": amount, "sale_price": sale, "currency": currency, "includes_vat": vat,
        "availability": str(AVAILABILITY_LABELS.get(document.get("availability"), document.get("availability") or "")),
        "quantity": document.get("quantity"), "url": document.get("url") or "",
        "short_description": plain_text(document.get("short_description")),
    }
    yield base, [values.get(code) for code in attribute_codes]
    for variant in document.get("variants") or ():
        amount, sale, currency, vat = _price_cells(variant.get("price"))
        row = dict(base, sku=variant["sku"], parent_sku=document["sku"], gtin=variant.get("gtin") or "",
                   price=amount, sale_price=sale, currency=currency, includes_vat=vat,
                   availability=str(AVAILABILITY_LABELS.get(variant.get("availability"), "")),
                   quantity=variant.get("quantity"))
        axes = variant.get("axes") or {}
        yield row, [axes.get(code, values.get(code)) for code in attribute_codes]


def _cells(row, attribute_values, typed):
    cells = []
    for key, _header in COLUMNS:
        value = row[key]
        if key in NUMERIC:
            if value is None or value == "":
                cells.append(None if typed else "")
            elif typed:
                cells.append(value if isinstance(value, int | Decimal) else Decimal(str(value)))
            else:
                cells.append(neutralise(value))
        else:
            cells.append(neutralise(value))
    cells.extend(neutralise(value) for value in attribute_values)
    return cells


def sheet_rows(documents, context, report, typed):
    """The header row, then one row per product and per variant."""
    columns = attribute_columns(documents)
    codes = [code for code, _label in columns]
    with translation.override(context.locale):
        header = [str(title) for _key, title in COLUMNS] + [label for _code, label in columns]
        yield [neutralise(title) for title in header]
        for document in documents:
            report.product()
            count = 0
            for row, values in _rows(document, codes):
                count += 1
                yield _cells(row, values, typed)
            report.written(rows=count)


def write_csv(handle, documents, context, report):
    """UTF-8 with a BOM (spreadsheet programs then read Cyrillic), comma-separated."""
    with TextHandle(handle, bom=True) as text:
        writer = csv.writer(text, lineterminator="\r\n")
        for cells in sheet_rows(documents, context, report, typed=False):
            writer.writerow(cells)


def write_xlsx(handle, documents, context, report):
    """openpyxl in write-only mode: rows stream to disk, memory stays flat."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    # Excel refuses these characters in sheet names.
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", context.channel_code)[:31] or "sheet")
    for cells in sheet_rows(documents, context, report, typed=True):
        sheet.append(cells)
    workbook.save(handle)

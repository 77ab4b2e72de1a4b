"""Helpers of the spreadsheet tests: export, edit and re-import sheets in memory."""

import csv
import io

from openpyxl import load_workbook

from catalog.models import Product, Variant


def export_bytes(format):
    from catalog.spreadsheets.export import export_products

    out = io.BytesIO()
    export_products(out, format)
    return out.getvalue()


def csv_rows(data, delimiter=","):
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def csv_bytes(rows, delimiter=",", bom=True):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (out.getvalue()).encode("utf-8-sig" if bom else "utf-8")


def xlsx_rows(data):
    workbook = load_workbook(io.BytesIO(data))
    return [[cell if cell is not None else "" for cell in row] for row in workbook.active.iter_rows(values_only=True)]


def set_cell(rows, sku, header, value):
    column = rows[0].index(header)
    for row in rows[1:]:
        if row[0] == sku:
            row[column] = value
            return rows
    raise AssertionError(f"{sku} not in the sheet")


def run_import(data, dry_run=False, validate_first=True):
    from catalog.spreadsheets.importer import import_file

    return import_file(io.BytesIO(data), dry_run=dry_run, validate_first=validate_first)


def state():
    """Everything the sheet can change, plus each product's version (the
    last item of its "row") and its variants' positions, as comparable data."""
    snapshot = content()
    versions = dict(Product.objects.values_list("sku", "version"))
    positions = Variant.objects.order_by("sku").values_list("product__sku", "sku", "position")
    for sku, product in snapshot.items():
        product["row"] = (*product["row"], versions[sku])
        product["positions"] = [(variant, position) for owner, variant, position in positions if owner == sku]
    return snapshot


def content():
    """What the sheet carries, by codes and SKUs only (no row ids, no
    versions), so a catalog rebuilt from a sheet compares equal to the one
    it was exported from."""
    products = {}
    for product in Product.objects.select_related("brand", "family").prefetch_related(
        "translations", "categories", "attribute_values__attribute", "attribute_values__option",
        "attribute_values__options", "variants__axis_values", "prices__price_list", "prices__variant",
        "stock__store", "stock__variant",
    ).order_by("sku"):
        products[product.sku] = {
            "row": (product.gtin, product.mpn, product.brand.code if product.brand else None,
                    product.family.code if product.family else None, product.status),
            "translations": sorted(
                (t.language_code, t.name, t.slug, t.short_description, t.description, t.marketing_claims)
                for t in product.translations.all()
            ),
            "categories": sorted(c.code for c in product.categories.all()),
            "values": sorted(
                (v.attribute.code, v.language_code, v.value_text, str(v.value_number), v.value_bool,
                 str(v.value_date), v.option.code if v.option else None, tuple(sorted(o.code for o in v.options.all())))
                for v in product.attribute_values.all()
            ),
            # In their order; the sheet carries the order, not the numbers.
            "variants": [
                (v.sku, v.gtin, tuple(sorted(o.code for o in v.axis_values.all())))
                for v in sorted(product.variants.all(), key=lambda v: (v.position, v.sku))
            ],
            "prices": sorted((p.price_list.code, p.variant.sku if p.variant else "", str(p.amount),
                              str(p.valid_from)) for p in product.prices.all()),
            "stock": sorted((s.store.code, s.variant.sku if s.variant else "", s.quantity) for s in product.stock.all()),
        }
    return products

"""Write the product truth as CSV (UTF-8 with BOM) or XLSX, one row per
product followed by its variants, streaming in batches."""

import csv
import io

from django.utils.translation import gettext as _

from pim.cells import neutralise

from .columns import Reference, all_columns, product_cells, products_for_sheet, variant_cells

FORMATS = ("csv", "xlsx")
BATCH = 500


def iter_rows(columns, progress=None, batch=BATCH, product_ids=None):
    """Lists of cell texts (header first) for every product (or those of
    ``product_ids``) and its variants, in SKU order."""
    yield [column.header for column in columns]
    products = products_for_sheet()
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    ids = list(products.order_by("sku").values_list("pk", flat=True))
    total = len(ids)
    for start in range(0, total, batch):
        chunk = ids[start:start + batch]
        products = products_for_sheet().filter(pk__in=chunk).order_by("sku")
        for product in products:
            cells = product_cells(product, columns)
            yield [cells[column.header] for column in columns]
            for variant in product.variants.all():
                cells = variant_cells(variant, product, columns)
                yield [cells[column.header] for column in columns]
        if progress:
            progress(min(start + batch, total), total)


def write_csv(handle, rows):
    """CSV to a binary handle: UTF-8 with a BOM so spreadsheet programs read Cyrillic."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    text.flush()
    text.detach()
    return count - 1


def write_xlsx(handle, rows):
    """XLSX to a binary handle, every cell a text cell (codes and GTINs keep
    their leading zeros, decimals their exact digits)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("products"))
    sheet.freeze_panes = "B2"
    count = 0
    bold = Font(bold=True)
    for index, row in enumerate(rows):
        if index == 0:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
            continue
        # neutralise() leaves no text starting with "=", so openpyxl writes
        # every value as a text cell, never as a formula.
        sheet.append([neutralise(value) or None for value in row])
        count += 1
    workbook.save(handle)
    return count


def export_products(handle, format, progress=None, columns=None, product_ids=None):
    """Write every product (or those of ``product_ids``) to ``handle`` (binary)
    in ``format``; returns the number of rows below the header."""
    if format not in FORMATS:
        raise ValueError(_("Unknown format '%(format)s'. Use csv or xlsx.") % {"format": format})
    columns = columns if columns is not None else all_columns(Reference())
    rows = iter_rows(columns, progress=progress, product_ids=product_ids)
    return write_csv(handle, rows) if format == "csv" else write_xlsx(handle, rows)

"""Read a CSV or XLSX file into header and rows of text, numbered as the
spreadsheet shows them (the header is row 1). Refuses what it cannot read
for certain: text that is not UTF-8, old binary .xls, formula cells."""

import codecs
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

from pim.cells import restore

DELIMITERS = (",", ";", "\t")


class FileRefused(Exception):
    """The file as a whole cannot be read; ``message`` says why and what to do."""

    def __init__(self, message, row=None):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class Table:
    format: str
    headers: list
    rows: list = field(default_factory=list)  # (row number, [cell text, …])
    errors: list = field(default_factory=list)  # (row number, header, message)


def sniff_format(head, filename=""):
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_("This is an old Excel .xls file: save it as .xlsx or as CSV UTF-8 and import that."))
    return "csv"


def read_table(handle, filename=""):
    """A Table from a binary file handle (CSV or XLSX, told apart by content)."""
    data = handle.read()
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    kind = sniff_format(data[:8], filename)
    table = _read_xlsx(data) if kind == "xlsx" else _read_csv(data)
    if not any(h.strip() for h in table.headers):
        raise FileRefused(_("The first row must name the columns (sku, name[en] …)."), row=1)
    return table


# --- CSV ----------------------------------------------------------------------

def _decode(data):
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        row = _row_of_offset(data, exc.start)
        raise FileRefused(
            _("The file is not UTF-8 text (byte 0x%(byte)02X on row %(row)d; it looks like Latin-1 or "
              "Windows-1252). Save it as \"CSV UTF-8\" and import again.") % {"byte": data[exc.start], "row": row},
            row=row,
        ) from None


def _row_of_offset(data, offset):
    """The spreadsheet row holding byte ``offset`` (quoted line breaks stay in their row)."""
    text = data[:offset].decode("latin-1")
    return sum(1 for _row in csv.reader(io.StringIO(text))) or 1


def _delimiter(text):
    """The delimiter of the header line: comma, semicolon (spreadsheets in
    comma-decimal locales) or tab, whichever it holds most."""
    line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=line.count) if any(d in line for d in DELIMITERS) else ","


def _read_csv(data):
    text = _decode(data)
    if "\x00" in text:
        raise FileRefused(_("The file holds binary data: export it as CSV UTF-8 or XLSX."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    try:
        headers = next(reader)
    except csv.Error as exc:
        raise FileRefused(_("The first row cannot be read: %(error)s") % {"error": exc}, row=1) from None
    table = Table("csv", [h.strip().lstrip("\ufeff") for h in headers])
    # Trailing unnamed header cells are not counted: rows need not fill them.
    width = max((index + 1 for index, header in enumerate(table.headers) if header), default=0)
    number = 1
    try:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < width:
                # A CSV row always carries every delimiter; a short one was cut
                # or mis-quoted, and reading the missing cells as empty would
                # clear those values. (XLSX leaves empty trailing cells out:
                # there a missing cell is an empty one.)
                table.errors.append((number, "", _(
                    "Row %(row)d has %(cells)d cells, the header has %(columns)d: the row is not read. "
                    "Check its delimiters and quotes.") % {"row": number, "cells": len(cells), "columns": width}))
                continue
            table.rows.append((number, [restore(cell) for cell in cells]))
    except csv.Error as exc:
        raise FileRefused(_("Row %(row)d cannot be read: %(error)s") % {"row": number + 1, "error": exc},
                          row=number + 1) from None
    return table


# --- XLSX ---------------------------------------------------------------------

def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # a damaged or non-Excel zip file
        raise FileRefused(_("The XLSX file cannot be opened: %(error)s") % {"error": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows()
        header_cells = next(rows, None)
        if header_cells is None:
            raise FileRefused(_("The file is empty."))
        headers = [_cell_text(cell.value) for cell in header_cells]
        while headers and not headers[-1].strip():
            headers.pop()
        table = Table("xlsx", [h.strip() for h in headers])
        for cells in rows:
            values = []
            number = None
            for cell in cells:
                if getattr(cell, "row", None):
                    number = cell.row
                if cell.data_type == "f":
                    column = _header_of(table.headers, len(values))
                    table.errors.append((cell.row, column, _(
                        "This cell holds a formula; the import reads values only. Paste it as a value.")))
                    values.append("")
                    continue
                values.append(_cell_text(cell.value))
            if number is None or not any(v.strip() for v in values):
                continue
            table.rows.append((number, [restore(v) for v in values]))
        return table
    finally:
        workbook.close()


def _header_of(headers, index):
    return headers[index] if index < len(headers) else ""


def _cell_text(value):
    """Text of an XLSX value as the export would have written it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

"""Import the product sheet: compare each row with the truth, report what
would change and every error by row and column, then apply all of it in one
transaction through catalog.services (the write API's rules, versions and
history) — or nothing at all.

Only the columns in the file are touched; an empty cell clears its value.
Rows are grouped per product (its row and its variants' rows), and a changed
product is written once, so its version moves by one like a single edit.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from parler.cache import _delete_cached_translations, get_translation_cache_key

from django.utils.text import slugify

from ..models import Product, Variant
from ..models.products import RICH_TEXT_FIELDS, TRANSLATED_PRODUCT_FIELDS
from ..richtext import sanitize_html
from ..services import _Refs
from .bulk import Chunk, ChunkWriter, load_existing, write_chunk
from .columns import (
    SEPARATOR, HeaderError, Reference, is_base_price, parse_header, product_cells,
    variant_cells,
)
from .reader import read_table

Translation = Product._parler_meta.root_model
CHUNK = 500
APPLY_CHUNK = 500
# What a review (the admin's dry-run page) lists; everything is counted.
REVIEW_ROWS = 500
REVIEW_ERRORS = 500
COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0"}


class ImportRefused(Exception):
    """The file has errors; ``report`` lists them. Nothing was changed."""

    def __init__(self, report):
        super().__init__(report.summary())
        self.report = report


@dataclass
class RowResult:
    row: int
    sku: str
    action: str = "unchanged"  # create, update, unchanged, error
    changes: list = field(default_factory=list)  # [(header, old, new)]
    errors: dict = field(default_factory=dict)  # {header or "": [message, …]}
    unreadable: set = field(default_factory=set)  # headers whose cell the reader refused

    def error(self, header, message):
        self.errors.setdefault(header, []).append(str(message))
        self.action = "error"


@dataclass
class Report:
    """What an import found (dry run) or did."""

    format: str = ""
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # RowResults of changed or failing rows
    file_errors: list = field(default_factory=list)  # (row, header, message)
    counts: dict = field(default_factory=lambda: {"create": 0, "update": 0, "unchanged": 0, "error": 0})
    products_created: int = 0
    products_updated: int = 0
    applied: bool = False

    @property
    def ok(self):
        return not self.file_errors and not self.counts["error"]

    def errors(self):
        """Every error as (row, column, message), in row order."""
        found = list(self.file_errors)
        for result in self.rows:
            for header, messages in result.errors.items():
                found += [(result.row, header, message) for message in messages]
        return sorted(found, key=lambda e: (e[0] or 0, e[1] or ""))

    def summary(self):
        counts = self.counts
        if not self.ok:
            first = self.errors()[0]
            where = _("row %(row)s") % {"row": first[0]} if first[0] else _("file")
            if first[1]:
                where += _(", column %(column)s") % {"column": first[1]}
            return _("%(count)d error(s); first: %(where)s: %(message)s") % {
                "count": len(self.errors()), "where": where, "message": first[2]}
        verb = _("imported") if self.applied else _("would import")
        return _("%(verb)s: %(create)d new, %(update)d changed, %(unchanged)d unchanged rows.") % {
            "verb": verb, **counts}

    def as_dict(self):
        return {
            "ok": self.ok, "applied": self.applied, "counts": dict(self.counts),
            "products_created": self.products_created, "products_updated": self.products_updated,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in self.errors()],
        }

    def review(self):
        """A dry run's findings as JSON-able data, for the admin to show: the
        counts, the first errors, and every changed cell of the first changed
        rows (``[header, now, after]``)."""
        errors = self.errors()
        changed = [result for result in self.rows if result.action != "error"]
        return {
            "format": self.format, "ok": self.ok, "summary": str(self.summary()), "counts": dict(self.counts),
            "importable": bool(self.ok and (self.counts["create"] or self.counts["update"])),
            "errors": [[row, column, str(message)] for row, column, message in errors[:REVIEW_ERRORS]],
            "error_count": len(errors),
            "rows": [
                {"row": result.row, "sku": result.sku, "action": result.action,
                 "changes": [[header, old, new] for header, old, new in result.changes]}
                for result in changed[:REVIEW_ROWS]
            ],
            "changed_rows": len(changed),
        }


@dataclass
class _Group:
    """One product's rows: its own row (if in the file) and its variants' rows."""

    sku: str
    product_row: tuple | None = None  # (RowResult, cells)
    variant_rows: list = field(default_factory=list)  # (RowResult, cells, whether the variant exists)
    exists: bool = False


# --- entry points -------------------------------------------------------------

def import_file(handle, *, dry_run=False, user=None, progress=None, filename="", validate_first=True):
    """Read, check and (unless ``dry_run``) apply a sheet; returns the Report.
    Raises ImportRefused when the file has errors (nothing is changed).

    ``validate_first`` runs the write API's checks before the transaction
    too (always in a dry run). Without it the real run only compares cells
    first and leaves validation to the write itself: faster, and the
    transaction still refuses everything on the first invalid product."""
    table = read_table(handle, filename)
    validate = validate_first or dry_run
    split = 50 if validate else 10
    report, plan = check(table, progress=_scaled(progress, 0, split if not dry_run else 100), validate=validate)
    if not report.ok and not validate:
        # The file is refused anyway: list every problem, not only unreadable cells.
        report, plan = check(table, validate=True)
    if not report.ok:
        raise ImportRefused(report)
    if not dry_run:
        apply(plan, report, user=user, progress=_scaled(progress, split, 100))
    return report


def _scaled(progress, low, high):
    if progress is None:
        return None

    def report(done, total, message=None):
        share = done / total if total else 1
        progress(low + int((high - low) * share), 100, message)

    return report


# --- checking -----------------------------------------------------------------

def check(table, progress=None, validate=True):
    """Compare the table with the truth; returns (Report, plan). The plan is
    the list of write dicts (the write API's shape) of changed products."""
    reference = Reference()
    report = Report(format=table.format)
    columns = _columns(table, reference, report)
    report.columns = [c.header for c in columns if c is not None]
    if report.file_errors:
        return report, []
    for row, header, message in table.errors:
        report.file_errors.append((row, header, message))
    groups = _group_rows(table, columns, report, {(row, header) for row, header, _m in table.errors})
    plan = []
    refs = _Refs()
    slugs = _SlugPicker()
    ordered = list(groups.values())
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        existing = load_existing([g.sku for g in chunk if g.exists])
        built = [_build_group(group, existing.get(group.sku), columns, reference) for group in chunk]
        built = [b for b in built if b is not None]
        slugs.assign(built)
        # The write API's checks, their lookups made once for the chunk.
        checks = Chunk([b.data for b in built], existing) if validate else None
        for builder in built:
            item = _validate_group(builder, refs, checks) if validate else _unvalidated(builder)
            if item is not None:
                plan.append(item)
        if progress:
            progress(min(start + CHUNK, len(ordered)), len(ordered), _("checked"))
    for result in _results(groups):
        report.counts[result.action] += 1
        if result.action != "unchanged":
            report.rows.append(result)
    report.rows.sort(key=lambda r: r.row)
    report.products_created = sum(1 for item in plan if item["new"])
    report.products_updated = len(plan) - report.products_created
    return report, plan


def _results(groups):
    for group in groups.values():
        if group.product_row:
            yield group.product_row[0]
        for result, _cells, _variant in group.variant_rows:
            yield result


def _columns(table, reference, report):
    """Columns of the header (None for a blank header), header errors reported at row 1."""
    columns, seen = [], set()
    for header in table.headers:
        if not header:
            columns.append(None)
            continue
        try:
            column = parse_header(header, reference)
        except HeaderError as exc:
            report.file_errors.append((1, header, str(exc)))
            columns.append(None)
            continue
        if column.header in seen:
            report.file_errors.append((1, header, _("The column '%(header)s' is there twice.") % {"header": header}))
        seen.add(column.header)
        columns.append(column)
    if "sku" not in seen:
        report.file_errors.append((1, "sku", _("The file has no 'sku' column; every row needs one.")))
    return columns


def _cells_of(number, values, columns, table, report):
    cells = {}
    for index, value in enumerate(values):
        column = columns[index] if index < len(columns) else None
        if column is None:
            unnamed = index >= len(table.headers) or not table.headers[index]
            if unnamed and value.strip():
                report.file_errors.append((number, "", _("A value in a column without a header: %(value)s") % {
                    "value": value[:40]}))
            continue
        cells[column.header] = value
    for column in columns:
        if column is not None:
            cells.setdefault(column.header, "")
    return cells


def _group_rows(table, columns, report, unreadable):
    """Sort rows into product groups; reports rows without SKU, duplicate
    SKUs and variants whose product is unknown or who changed product."""
    by_header = {c.header: c for c in columns if c is not None}
    rows, first_row = [], {}
    for number, values in table.rows:
        cells = _cells_of(number, values, columns, table, report)
        sku = cells.get("sku", "").strip()
        result = RowResult(number, sku)
        result.unreadable = {header for row, header in unreadable if row == number}
        if not sku:
            result.error("sku", _("Every row needs a SKU."))
        elif sku in first_row:
            result.error("sku", _("The SKU %(sku)s is also on row %(row)d; give each SKU one row.") % {
                "sku": sku, "row": first_row[sku]})
        else:
            first_row[sku] = number
        rows.append((result, cells))
    parents = {cells.get("parent_sku", "").strip() for _result, cells in rows} - {""}
    skus = list(first_row) + sorted(parents - set(first_row))
    products, variants = set(), {}
    for start in range(0, len(skus), CHUNK):
        chunk = skus[start:start + CHUNK]
        products.update(Product.objects.filter(sku__in=chunk).values_list("sku", flat=True))
        variants.update(Variant.objects.filter(sku__in=chunk).values_list("sku", "product__sku"))
    product_rows = {r.sku for r, cells in rows if r.sku and not cells.get("parent_sku", "").strip()
                    and r.sku not in variants}
    groups = {}

    def group_of(sku):
        if sku not in groups:
            groups[sku] = _Group(sku, exists=sku in products)
        return groups[sku]

    for result, cells in rows:
        sku = result.sku
        parent = cells.get("parent_sku", "").strip()
        has_parent_column = "parent_sku" in by_header
        if result.action == "error":
            group_of(f"\x00{result.row}").product_row = (result, cells)  # reported, never written
            continue
        current = variants.get(sku)
        if current is not None:
            if has_parent_column and parent != current:
                result.error("parent_sku", _("%(sku)s is a variant of %(parent)s; a variant cannot move to "
                                             "another product here. Write %(parent)s.") % {
                    "sku": sku, "parent": current})
            parent = current
        elif sku in products and parent:
            result.error("parent_sku", _("%(sku)s is a product, not a variant: leave parent_sku empty.") % {"sku": sku})
        elif parent and parent not in products and parent not in product_rows:
            result.error("parent_sku", _("Unknown product %(parent)s: the parent must be a product in the "
                                         "catalog or on a row of this file.") % {"parent": parent})
        if result.action == "error":
            group_of(f"\x00{result.row}").product_row = (result, cells)
            continue
        if parent:
            for header, value in cells.items():
                if value.strip() and not by_header[header].on_variants:
                    result.error(header, _("A variant row leaves this column empty; it belongs to the product row."))
            group_of(parent).variant_rows.append((result, cells, current is not None))
        else:
            group_of(sku).product_row = (result, cells)
    return groups


# --- one product --------------------------------------------------------------

def _build_group(group, product, columns, reference):
    """Diff one product's rows; returns its _Builder, or None when it needs no write."""
    if group.sku.startswith("\x00"):
        return None
    results = ([group.product_row[0]] if group.product_row else []) + [r for r, _c, _v in group.variant_rows]
    if any(r.action == "error" for r in results):
        return None
    used = [c for c in columns if c is not None and c.kind not in ("sku", "parent_sku")]
    if product is None and group.product_row is None:
        # Variant rows for a product that is neither in the catalog nor in the file.
        for result in results:
            result.error("parent_sku", _("Unknown product %(parent)s: the parent must be a product in the catalog "
                                         "or on a row of this file.") % {"parent": group.sku})
        return None
    builder = _Builder(group, product, used, reference)
    data = builder.build()
    if len(data) == 1 and product is not None:
        return None  # nothing differs from the truth (or only unreadable cells)
    return builder


def _unvalidated(builder):
    """The plan item of a builder whose rows read cleanly, checked only when written."""
    if any(r.action == "error" for r in builder._rows()):
        return None
    return _plan_item(builder)


def _plan_item(builder):
    item = {"new": builder.product is None, "data": builder.data, "group": builder.group, "builder": builder}
    # The plan lives until the write: keep the dict and the error map, not
    # the loaded product with everything prefetched for it.
    builder.product = builder.current_variants = None
    return item


def _validate_group(builder, refs, checks):
    """Check the write dict with the write API's rules; returns the plan item or None."""
    group, product, data = builder.group, builder.product, builder.data
    results = list(builder._rows())
    cell_errors = any(r.action == "error" for r in results)
    if product is None:
        writer = ChunkWriter(Product(), data, partial=False, refs=refs, chunk=checks)
    else:
        writer = ChunkWriter(product, data, partial=True, refs=refs, chunk=checks)
    try:
        writer.validate(require_sku=product is None)
    except Exception as exc:
        errors = getattr(exc, "errors", None)
        if errors is None:
            raise
        builder.report_errors(errors)
        return None
    finally:
        if product is not None:
            # validate() fills parler's caches of this instance; it is dropped after the chunk.
            _delete_cached_translations(product)
    if cell_errors:
        return None  # the cells that could be read were checked too
    if product is not None and not writer.changed:
        for result in results:
            result.action, result.changes = "unchanged", []
        return None
    return _plan_item(builder)


class _SlugPicker:
    """Free slugs for languages new to a product, found per batch with one
    exact-match query per round (the unique index answers it) instead of a
    prefix scan per product; also keeps two rows of one file apart."""

    def __init__(self):
        self.taken = {}  # language → slugs handed out in this import

    def assign(self, builders):
        wanted = []  # (language, fields, base)
        for builder in builders:
            for language, fields in builder.needs_slug:
                name = (fields.get("name") or "").strip()
                base = slugify(name, allow_unicode=True)[:200].strip("-") or slugify(builder.group.sku,
                                                                                      allow_unicode=True)
                wanted.append((language, fields, base))
        pending = [(language, fields, base, base) for language, fields, base in wanted]
        number = 1
        while pending:
            by_language = {}
            for language, _fields, _base, candidate in pending:
                by_language.setdefault(language, set()).add(candidate)
            in_use = set()
            for language, candidates in by_language.items():
                found = Translation.objects.filter(language_code=language, slug__in=candidates)
                in_use.update((language, slug) for slug in found.values_list("slug", flat=True))
            number += 1
            retry = []
            for language, fields, base, candidate in pending:
                taken = self.taken.setdefault(language, set())
                if (language, candidate) in in_use or candidate in taken:
                    retry.append((language, fields, base, f"{base}-{number}"))
                else:
                    taken.add(candidate)
                    fields["slug"] = candidate
            pending = retry


class _Builder:
    """Builds the write dict of one product from its rows: only columns whose
    text differs from the truth are sent (an unchanged row sends nothing)."""

    def __init__(self, group, product, columns, reference):
        self.group = group
        self.reference = reference
        self.product = product
        self.columns = columns
        self.data = {"sku": group.sku}
        self.origins = {}  # write-dict key → (RowResult, header)
        self.needs_slug = []  # (language, fields) of languages new to the product without a slug
        current_variants = list(product.variants.all()) if product is not None else []
        self.current_variants = current_variants

    # diffing

    def _diff(self, result, cells, current):
        changed = []
        for column in self.columns:
            if column.header in result.unreadable:
                continue  # already reported; compared with nothing
            new = cells[column.header]
            old = current.get(column.header, "")
            # Equal text is equal in any comparison; only differing text pays
            # for it (rich text is sanitised to compare).
            if old != new and _comparable(column, old) != _comparable(column, new):
                changed.append(column)
                result.changes.append((column.header, old, new))
        return changed

    def build(self):
        product = self.product
        if self.group.product_row:
            result, cells = self.group.product_row
            result.action = "create" if product is None else "update"
            current = product_cells(product, self.columns) if product is not None else {}
            changed = self._diff(result, cells, current)
            self._product_values(result, cells, changed)
        self._variant_values()
        for result in self._rows():
            if result.action != "error" and not result.changes and product is not None:
                result.action = "unchanged"
        return self.data

    def _rows(self):
        if self.group.product_row:
            yield self.group.product_row[0]
        for result, _cells, _variant in self.group.variant_rows:
            yield result

    def _product_values(self, result, cells, changed):
        data = self.data
        translations = {}
        for column in changed:
            value = cells[column.header]
            if column.kind == "field":
                name = column.name
                if name == "categories":
                    data[name] = _codes(value)
                elif name in ("brand", "family"):
                    data[name] = value.strip() or None
                else:
                    data[name] = value.strip()
                self.origins[name] = (result, column.header)
            elif column.kind == "text":
                translations.setdefault(column.language, {})[column.name] = value
                self.origins[f"{column.name}[{column.language}]"] = (result, column.header)
            elif column.kind == "attribute":
                parsed = _attribute_cell(column, value, result)
                if parsed is not _INVALID:
                    data.setdefault("attributes", []).append(
                        {"code": column.name, "locale": column.language or None, "value": parsed})
                    self.origins[column.header] = (result, column.header)
        if translations:
            existing = {t.language_code: t for t in self.product.translations.all()} if self.product else {}
            text_columns = [c for c in self.columns if c.kind == "text"]
            for language, fields in list(translations.items()):
                in_file = [c for c in text_columns if c.language == language]
                given = {c.name: cells[c.header] for c in in_file}
                current = existing.get(language)
                texts = [given[name] if name in given else getattr(current, name, "") or ""
                         for name in TRANSLATED_PRODUCT_FIELDS if name != "slug"]
                if "name" in given and not any(text.strip() for text in texts):
                    # Every text of that language is empty now: the language goes.
                    if language in existing:
                        translations[language] = None
                    else:
                        del translations[language]
                    continue
                if self.product is None:
                    translations[language] = {c.name: cells[c.header] for c in in_file if cells[c.header]}
            if self.product is None:
                translations = {lang: f for lang, f in translations.items() if f}
            for language, fields in translations.items():
                if fields is not None and language not in existing and not (fields.get("slug") or "").strip():
                    self.needs_slug.append((language, fields))
            data["translations"] = translations
            self.origins["translations"] = (result, "name")

    def _variant_values(self):
        """Variants, prices and stock: each sent as a whole list when any of its
        cells changed (the write API replaces them), the rest kept as they are."""
        product = self.product
        product_row = self.group.product_row
        variant_rows = self.group.variant_rows
        by_sku = {v.sku: v for v in self.current_variants}
        price_cells, stock_cells = {}, {}
        variants_changed = False
        variant_edits = {}
        if product_row:
            result, cells = product_row
            for header, old, new in result.changes:
                column = self._column(header)
                if column.kind == "price":
                    price_cells[(column.name, None)] = (new, result, header)
                elif column.kind == "stock":
                    stock_cells[(column.name, None)] = (new, result, header)
        for result, cells, _exists in variant_rows:
            variant = by_sku.get(result.sku)
            result.action = "create" if variant is None else "update"
            current = variant_cells(variant, product, self.columns) if variant is not None else {}
            changed = self._diff(result, cells, current)
            edit = {}
            for column in changed:
                value = cells[column.header]
                if column.kind == "price":
                    price_cells[(column.name, result.sku)] = (value, result, column.header)
                elif column.kind == "stock":
                    stock_cells[(column.name, result.sku)] = (value, result, column.header)
                elif column.kind == "field":
                    edit["gtin"] = value.strip()
                elif column.kind == "attribute":
                    edit.setdefault("axes", {})[column.name] = value.strip()
            if variant is None or edit:
                variants_changed = True
            variant_edits[result.sku] = (edit, result)
        if variants_changed:
            entries, self.variant_origins = [], []
            for variant in self.current_variants:
                edit, result = variant_edits.get(variant.sku, ({}, None))
                codes = self.reference.attributes_by_id
                axes = {codes[o.attribute_id].code: o.code for o in variant.axis_values.all()}
                axes.update(edit.get("axes", {}))
                entries.append({"sku": variant.sku, "gtin": edit.get("gtin", variant.gtin),
                                "axes": {k: v for k, v in axes.items() if v}})
                self.variant_origins.append(result)
            for result, cells, _exists in variant_rows:
                if result.sku not in by_sku:
                    edit = variant_edits[result.sku][0]
                    entries.append({"sku": result.sku, "gtin": edit.get("gtin", ""),
                                    "axes": {k: v for k, v in edit.get("axes", {}).items() if v}})
                    self.variant_origins.append(result)
            self.data["variants"] = entries
        if price_cells:
            self._prices(price_cells, by_sku)
        if stock_cells:
            self._stock(stock_cells)

    def _column(self, header):
        return next(c for c in self.columns if c.header == header)

    def _prices(self, cells, by_sku):
        entries, origins = [], []
        for price in (self.product.prices.all() if self.product else []):
            key = (price.price_list.code, price.variant.sku if price.variant_id else None)
            if is_base_price(price) and key in cells:
                continue
            entries.append({
                "price_list": price.price_list.code, "variant": key[1], "amount": str(price.amount),
                "valid_from": price.valid_from.isoformat() if price.valid_from else None,
                "valid_until": price.valid_until.isoformat() if price.valid_until else None,
            })
            origins.append(None)
        for (code, sku), (value, result, header) in cells.items():
            if not value.strip():
                continue
            entries.append({"price_list": code, "variant": sku, "amount": _number_text(value)})
            origins.append((result, header))
        self.data["prices"] = entries
        self.price_origins = origins

    def _stock(self, cells):
        entries, origins = [], []
        for row in (self.product.stock.all() if self.product else []):
            key = (row.store.code, row.variant.sku if row.variant_id else None)
            if key in cells:
                continue
            entries.append({"store": key[0], "variant": key[1], "quantity": row.quantity})
            origins.append(None)
        for (code, sku), (value, result, header) in cells.items():
            text = value.strip()
            if not text:
                continue
            try:
                quantity = int(text)
            except ValueError:
                result.error(header, _("Write a whole number, e.g. 12."))
                continue
            entries.append({"store": code, "variant": sku, "quantity": quantity})
            origins.append((result, header))
        self.data["stock"] = entries
        self.stock_origins = origins

    # errors

    def report_errors(self, errors):
        """Put the write API's errors ("name[fi]", "prices[2].amount") on the rows and columns they came from."""
        fallback = self.group.product_row[0] if self.group.product_row else self.group.variant_rows[0][0]
        for key, messages in errors.items():
            result, header = self._origin(key, fallback)
            for message in messages:
                result.error(header, message)

    def _origin(self, key, fallback):
        if key in self.origins:
            return self.origins[key]
        match = re.match(r"^(variants|prices|stock)\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?", key)
        if match:
            kind, index, part, axis = match.group(1), int(match.group(2)), match.group(3), match.group(4)
            if kind == "variants":
                origins = getattr(self, "variant_origins", [])
                result = origins[index] if index < len(origins) and origins[index] else fallback
                header = {"gtin": "gtin", "sku": "sku"}.get(part, f"attr:{axis}" if part == "axes" else "")
                return result, header
            origins = getattr(self, "price_origins" if kind == "prices" else "stock_origins", [])
            origin = origins[index] if index < len(origins) else None
            if origin:
                return origin
        if key in ("translations",):
            return fallback, "name"
        if key == "non_field_errors":
            return fallback, ""
        return fallback, key


# --- cells --------------------------------------------------------------------

_INVALID = object()


def _codes(text):
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def _number_text(text):
    """A number as written: "12,5" (comma decimal, as spreadsheets in many
    locales write it) reads as 12.5; anything else goes to the write API as is."""
    text = text.strip()
    return text.replace(",", ".") if COMMA_DECIMAL.match(text) else text


def _attribute_cell(column, text, result):
    """The write API's value for an attribute cell; None clears it."""
    from ..models import Attribute

    T = Attribute.Type
    kind = column.attribute.type
    if kind in (T.TEXT, T.RICH_TEXT):
        return text if text.strip() else None
    text = text.strip()
    if not text:
        return None
    if kind in (T.NUMBER, T.MEASUREMENT):
        return _number_text(text)
    if kind == T.BOOLEAN:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        result.error(column.header, _("Write true or false."))
        return _INVALID
    if kind == T.MULTI_SELECT:
        return _codes(text)
    return text


def _comparable(column, text):
    """What counts as the same value: numbers by value, code lists as sets,
    rich text as sanitised, other text as written (outer spaces ignored where
    the write API strips them)."""
    kind = column.kind
    if kind in ("price", "stock") or (kind == "attribute" and column.attribute.type in ("number", "measurement")):
        try:
            return Decimal(_number_text(text)) if text.strip() else None
        except InvalidOperation:
            return text
    if (kind == "field" and column.name == "categories") or (
            kind == "attribute" and column.attribute.type == "multi_select"):
        return frozenset(_codes(text))
    if kind == "attribute" and column.attribute.type == "boolean":
        word = text.strip().lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else word
    if kind == "attribute" and column.attribute.type == "rich_text":
        return sanitize_html(text)
    if kind == "text" and column.name in RICH_TEXT_FIELDS:
        return sanitize_html(text.strip())
    if kind == "attribute" and column.attribute.type == "text":
        return text
    return text.strip()


# --- applying -----------------------------------------------------------------

class _Rollback(Exception):
    pass


def apply(plan, report, *, user=None, progress=None):
    """Write every planned product in one transaction, a chunk at a time;
    on any refusal nothing stays and ImportRefused carries the errors."""
    saved = []
    refs = _Refs()
    try:
        with transaction.atomic():
            for start in range(0, len(plan), APPLY_CHUNK):
                chunk = plan[start:start + APPLY_CHUNK]
                # After a refusal the rest is only checked, so the report lists every error.
                outcome = write_chunk([item["data"] for item in chunk], refs=refs, user=user, write=report.ok,
                                      comment=_("Spreadsheet import"))
                for item, errors in zip(chunk, outcome.errors):
                    if errors:
                        item["builder"].report_errors(errors)
                        report.counts["error"] += 1
                ids = [product.pk for product in outcome.products]
                saved += ids
                # Parler's cache may hold the texts from before the import.
                _forget(ids)
                if progress:
                    progress(min(start + APPLY_CHUNK, len(plan)), len(plan), _("saved"))
            if not report.ok:
                raise _Rollback
    except _Rollback:
        _forget(saved)
        report.rows = sorted({id(r): r for r in report.rows + _failed_rows(plan)}.values(), key=lambda r: r.row)
        raise ImportRefused(report) from None
    except Exception:
        _forget(saved)
        raise
    report.applied = True
    return report


def _failed_rows(plan):
    return [result for item in plan for result in _group_results(item["group"]) if result.action == "error"]


def _group_results(group):
    if group.product_row:
        yield group.product_row[0]
    for result, _cells, _variant in group.variant_rows:
        yield result


def _forget(product_ids):
    """Parler caches translations on save; a rollback must not leave them
    behind. Every language's key goes: after the rollback the database no
    longer says which languages a new product had, and SQLite hands its id
    to the next product."""
    keys = [get_translation_cache_key(Translation, pk, language)
            for pk in product_ids for language in settings.LANGUAGE_CODES]
    for start in range(0, len(keys), 1000):
        cache.delete_many(keys[start:start + 1000])

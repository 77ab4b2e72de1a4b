"""Benchmark of the product sheet import: create, update and unchanged re-import.

Usage: .venv/bin/python bench/import_bench.py [--products 5000] [--format csv|xlsx]
       [--check-first] [--keep DIR]

Builds a throwaway database (a SQLite file in a temporary folder, or the
empty database in ``PIM_BENCH_DATABASE_URL``) with reference data (brands,
categories, typed attributes, two price lists, two stores), writes a sheet
of N product rows in five languages (Cyrillic and Hungarian text, a
multi-select, a measurement, prices and stock), and times with the real code
path (catalog.spreadsheets.importer.import_file):

- create: importing the sheet into the empty catalog;
- export: export_products of the whole catalog;
- unchanged: importing the export of that catalog back (nothing changes);
- update: the export with the Finnish name and retail price edited on every row.

By default the import runs as the command does (rows checked while they are
written); ``--check-first`` checks every row before the transaction as the
admin's job does on SQLite (so its progress bar moves during the check).
Prints wall and CPU seconds of each step as ``RESULT name=value unit``
lines (bench/README.md), and the peak memory of the process.
"""

import argparse
import csv
import io
import time

from _common import cpu_seconds, database_kind, peak_memory_mib, result, scratch_folder, setup_django

LANGUAGES = ("en", "fi", "hu", "ru", "bg")


def reference_data():
    from catalog.models import Attribute
    from tests.factories import (
        make_attribute, make_brand, make_category, make_option, make_price_list, make_store,
    )

    make_brand("nordtool", "Nordtool")
    make_category("drills")
    make_category("tools")
    make_price_list("retail")
    make_price_list("reseller")
    make_store("kamppi")
    make_store("depot")
    make_attribute("voltage", type=Attribute.Type.MEASUREMENT, unit="V")
    make_attribute("material", type=Attribute.Type.TEXT, localizable=True)
    features = make_attribute("features", type=Attribute.Type.MULTI_SELECT)
    for code in ("led", "clutch", "case"):
        make_option(features, code, {"en": code.title()})


def sheet(rows):
    header = ["sku", "brand", "categories", "gtin"]
    header += [f"name[{lang}]" for lang in LANGUAGES] + [f"description[{lang}]" for lang in LANGUAGES]
    header += ["attr:voltage", "attr:features"] + [f"attr:material[{lang}]" for lang in LANGUAGES]
    header += ["price:retail", "price:reseller", "stock:kamppi"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(rows):
        writer.writerow(
            [f"BENCH-{i:06d}", "nordtool", "drills|tools", ""]
            + [f"Дрель {i}", f"Porakone {i}", f"Őrült fúró {i}", f"Аккумуляторная дрель {i}",
               f"Бормашина {i}"]
            + [f"<p>Описание {i}</p>\n<p>Kuvaus ő ű ä</p>"] * 5
            + [str(12 + i % 24), "led|clutch"] + ["Сталь"] * 5
            + [f"{50 + i % 200}.90", f"{40 + i % 200}.00", str(i % 40)]
        )
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(data):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet_ = workbook.create_sheet("products")
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        sheet_.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def edited(export_csv):
    rows = list(csv.reader(io.StringIO(export_csv.decode("utf-8-sig"), newline="")))
    name, price = rows[0].index("name[fi]"), rows[0].index("price:retail")
    for row in rows[1:]:
        row[name] += " uusi"
        row[price] = f"{float(row[price]) + 1:.2f}"
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def timed(name, label, rows, fn):
    """Wall and CPU time of one step: on a shared machine the CPU seconds
    (SQLite runs in-process) tell the cost when the wall clock is crowded."""
    started, cpu = time.perf_counter(), cpu_seconds()
    outcome = fn()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(f"{label:<28} {rows:>7} rows  {seconds:8.1f} s wall {rows / seconds:7.0f} rows/s  "
          f"{cpu:8.1f} s cpu {rows / max(cpu, 1e-9):7.0f} rows/cpu-s", flush=True)
    result(name, round(seconds, 2), "s")
    result(f"{name}_cpu", round(cpu, 2), "s")
    return outcome


def run(rows, format, check_first):
    from catalog.spreadsheets.export import export_products
    from catalog.spreadsheets.importer import import_file
    from publishing import signals

    data = sheet(rows)
    if format == "xlsx":
        data = to_xlsx(data)

    def do_import(blob):
        # Publishing follows on commit as a job; the benchmark measures the import.
        with signals.paused():
            return import_file(io.BytesIO(blob), validate_first=check_first)

    report = timed("create", f"create ({format})", rows, lambda: do_import(data))
    assert report.counts["create"] == rows, report.counts
    out = io.BytesIO()
    timed("export", f"export ({format})", rows, lambda: export_products(out, format))
    exported = out.getvalue()
    report = timed("unchanged", f"unchanged ({format})", rows, lambda: do_import(exported))
    assert report.counts["unchanged"] == rows, report.counts
    csv_out = io.BytesIO()
    export_products(csv_out, "csv")
    changed = edited(csv_out.getvalue())
    if format == "xlsx":
        changed = to_xlsx(changed)
    report = timed("update", f"update 2 cells/row ({format})", rows, lambda: do_import(changed))
    assert report.counts["update"] == rows, report.counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000, help="Rows of the sheet (default 5000).")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--check-first", action="store_true", help="check all rows before writing (job on SQLite)")
    parser.add_argument("--keep", metavar="DIR", help="keep the database in DIR")
    args = parser.parse_args()
    with scratch_folder(args.keep, prefix="import-bench-") as folder:
        url = setup_django(folder)
        result("database", database_kind(url))
        reference_data()
        run(args.products, args.format, args.check_first)
    print(f"peak memory {peak_memory_mib():.0f} MiB")  # run_all.py records it as peak_memory


if __name__ == "__main__":
    main()

"""export_products and import_products: files, dry run, exit codes and one-line errors."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .helpers import csv_bytes, csv_rows, state, xlsx_rows


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(catalog, tmp_path, format):
    before = state()
    path = tmp_path / f"products.{format}"
    call_command("export_products", "--format", format, "--output", str(path))
    data = path.read_bytes()
    rows = csv_rows(data) if format == "csv" else xlsx_rows(data)
    assert len(rows) == 5 and rows[0][0] == "sku"
    call_command("import_products", str(path))
    assert state() == before


def test_dry_run_changes_nothing(catalog, tmp_path, capsys):
    path = tmp_path / "edit.csv"
    path.write_bytes(csv_bytes([["sku", "name[fi]"], ["DRILL-1", "Uusi"]]))
    before = state()
    call_command("import_products", str(path), "--dry-run", verbosity=2)
    out = capsys.readouterr().out
    assert "row 2 DRILL-1 name[fi]: 'Akkuporakone' → 'Uusi'" in out
    assert "would import: 0 new, 1 changed, 0 unchanged rows." in out
    assert state() == before


def test_bad_file_raises_a_one_line_error(catalog, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["sku", "attr:voltage"], ["DRILL-1", "lots"]]))
    before = state()
    with pytest.raises(CommandError) as caught:
        call_command("import_products", str(path))
    message = str(caught.value)
    assert "\n" not in message
    assert "row 2, column attr:voltage: 'lots' is not a number." in message and "Nothing was changed." in message
    assert state() == before


def test_latin1_file_error(catalog, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("sku,name[fi]\nDRILL-1,Pöytä\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"latin\.csv \(row 2\): The file is not UTF-8"):
        call_command("import_products", str(path))


def test_missing_file_and_format(tmp_path, db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_products", str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="--format csv or xlsx"):
        call_command("export_products", "--output", str(tmp_path / "out.txt"))


def test_exit_code_and_stderr_in_a_process(tmp_path):
    path = tmp_path / "nosku.csv"
    path.write_bytes(csv_bytes([["name[fi]"], ["Pora"]]))
    # The command's own process against a fresh database: bad input exits 1 with one line.
    env_db = tmp_path / "cmd.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{env_db}", "PIM_SECRET_KEY": "test-only", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, cwd=_root())
    done = subprocess.run([sys.executable, "manage.py", "import_products", str(path)], env=env, cwd=_root(),
                          capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == ["CommandError: nosku.csv: 1 error(s); first: row 1, column sku: "
                     "The file has no 'sku' column; every row needs one. Nothing was changed."]


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]

"""render_catalog / render_datasheet / render_labels: files written atomically, one-line errors."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.pdf.pdfutil import page_count, page_texts

pytestmark = pytest.mark.django_db


def test_render_catalog_writes_the_pdf(catalog, tmp_path):
    output = tmp_path / "out" / "catalog-fi.pdf"
    call_command("render_catalog", "--channel", "print", "--locale", "fi", "--output", str(output), verbosity=0)
    assert output.read_bytes().startswith(b"%PDF")
    assert page_count(output) >= 4
    assert not [p for p in output.parent.iterdir() if p.name.startswith(".render-")]  # no temp file left


def test_render_datasheet_and_labels_write_pdfs(catalog, tmp_path):
    sheet = tmp_path / "sheet.pdf"
    call_command("render_datasheet", "PDF-00001", "--locale", "ru", "--output", str(sheet), verbosity=0)
    assert "Аккумуляторная дрель" in page_texts(sheet)[0]
    labels = tmp_path / "labels.pdf"
    call_command("render_labels", "--store", "hel1", "--locale", "fi", "--output", str(labels), verbosity=0)
    assert "Akkuporakone" in page_texts(labels)[0]


def test_existing_output_is_replaced_only_by_a_complete_file(catalog, tmp_path):
    output = tmp_path / "catalog.pdf"
    output.write_bytes(b"old")
    with pytest.raises(CommandError):
        call_command("render_catalog", "--channel", "print", "--locale", "xx", "--output", str(output))
    assert output.read_bytes() == b"old"


@pytest.mark.parametrize(("command", "args", "message"), [
    ("render_catalog", ["--channel", "nope", "--locale", "fi"], "Unknown channel: nope"),
    ("render_catalog", ["--channel", "print", "--locale", "xx"], "Unknown locale: xx"),
    ("render_datasheet", ["NO-SUCH-SKU", "--locale", "fi"], "Unknown SKU: NO-SUCH-SKU"),
    ("render_datasheet", ["PDF-00001", "--locale", "fi", "--channel", "nope"], "Unknown channel: nope"),
    ("render_labels", ["--store", "nowhere", "--locale", "fi"], "Unknown store: nowhere"),
])
def test_bad_input_is_a_one_line_command_error(catalog, tmp_path, command, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        call_command(command, *args, "--output", str(tmp_path / "x.pdf"))
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "x.pdf").exists()


def test_command_line_exits_non_zero_with_one_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PIM_MEDIA_ROOT": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "manage.py", "render_catalog", "--channel", "nope", "--locale", "fi",
         "--output", str(tmp_path / "x.pdf")],
        env=env, capture_output=True, text=True,
    )
    assert done.returncode != 0
    assert done.stderr.strip() == "CommandError: Unknown channel: nope"

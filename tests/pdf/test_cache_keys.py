"""Cached renders are keyed by what shapes them: new code or new translations render again."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from publishing.pdf import common
from publishing.pdf.catalog import render_catalog
from publishing.pdf.datasheet import render_datasheet
from publishing.pdf.labels import render_labels
from tests.pdf.pdfutil import artifact_path, page_texts

pytestmark = pytest.mark.django_db

RENDERS = {
    "catalog": lambda: render_catalog("print", "fi"),
    "datasheet": lambda: render_datasheet("PDF-00001", "fi"),
    "labels": lambda: render_labels("hel1", "fi"),
}


@pytest.mark.parametrize("render, module", [
    ("catalog", "catalog.py"), ("catalog", "parts.py"), ("catalog", "common.py"),
    ("datasheet", "datasheet.py"), ("datasheet", "common.py"),
    ("labels", "labels.py"), ("labels", "barcodes.py"), ("labels", "qr.py"),
])
def test_changed_render_code_renders_again(catalog, monkeypatch, tmp_path, render, module):
    code = tmp_path / "pdf"
    shutil.copytree(Path(common.__file__).parent, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(common, "package_dir", lambda: code)
    first = RENDERS[render]()
    assert RENDERS[render]().pk == first.pk  # unchanged code: the stored file
    with open(code / module, "a") as source:
        source.write("\n# restyled\n")
    assert RENDERS[render]().pk != first.pk


def _compile(po_text, locale_root):
    target = locale_root / "fi" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    (target / "django.po").write_text(po_text)
    subprocess.run(["msgfmt", "-o", str(target / "django.mo"), str(target / "django.po")], check=True)


@pytest.mark.parametrize("render", ["datasheet", "labels"])
def test_retranslated_catalogue_renders_again(catalog, settings, monkeypatch, tmp_path, render):
    original = (Path(settings.LOCALE_PATHS[0]) / "fi" / "LC_MESSAGES" / "django.po").read_text()
    assert 'msgstr "Tuotetietolehti"' in original
    locale_root = tmp_path / "locale"
    _compile(original, locale_root)
    settings.LOCALE_PATHS = [locale_root]
    first = RENDERS[render]()
    assert RENDERS[render]().pk == first.pk

    _compile(original.replace('msgstr "Tuotetietolehti"', 'msgstr "Tekninen tuote-esite"'), locale_root)
    # A deployed translation reaches a worker when it restarts: Python's gettext
    # keeps each file it read by path, Django its catalogues until LOCALE_PATHS changes.
    monkeypatch.setattr(gettext, "_translations", {})
    settings.LOCALE_PATHS = [locale_root]
    second = RENDERS[render]()
    assert second.pk != first.pk
    if render == "datasheet":  # its title is the retranslated word
        before = "\n".join(page_texts(artifact_path(first)))
        text = "\n".join(page_texts(artifact_path(second)))
        assert "Tuotetietolehti" in before
        assert "Tekninen tuote-esite" in text and "Tuotetietolehti" not in text


def test_translation_files_are_the_locales_compiled_catalogues():
    files = common.translation_files("fi")
    assert files == [Path(settings.LOCALE_PATHS[0]) / "fi" / "LC_MESSAGES" / "django.mo"]
    assert common.translation_files("xx") == []

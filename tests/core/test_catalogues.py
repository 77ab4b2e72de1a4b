"""Every user-facing string is translated in every supported language.

The catalogues are regenerated from the current sources in a copy of the
project (as ``make catalogues`` does), so a string marked for translation but
missing from a catalogue, or left fuzzy or empty, fails here.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

REPO = Path(settings.BASE_DIR)
TRANSLATED = [code for code in settings.LANGUAGE_CODES if code != "en"]  # msgids are English
SOURCES = ["catalog", "publishing", "pim", "templates", "locale", "manage.py"]


def _statistics(po_file):
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    copy = tmp_path_factory.mktemp("catalogues")
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *[f"-l{code}" for code in TRANSLATED], "--no-location",
         "-v", "0"],
        cwd=copy, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "pim.settings", "PIM_SECRET_KEY": "catalogue-test"},
    )
    return copy


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_and_current(regenerated, language):
    stats = _statistics(regenerated / "locale" / language / "LC_MESSAGES" / "django.po")
    assert re.fullmatch(r"\d+ translated messages\.", stats), (
        f"{language}: {stats} — run `make catalogues` and translate the new entries"
    )
    assert _statistics(REPO / "locale" / language / "LC_MESSAGES" / "django.po") == stats


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_is_used(language):
    with translation.override(language):
        assert gettext("Bulk edit") != "Bulk edit"
        assert gettext("Finnish") != "Finnish"

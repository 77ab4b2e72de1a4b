"""Files that a test writes, or a process it starts, land in the test's own
temporary media folder (tests/conftest.py), never in the configured one."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PROBE = (
    "import django; django.setup(); "
    "from django.core.files.base import ContentFile; from django.core.files.storage import default_storage; "
    "print(default_storage.save('artifacts/probe.txt', ContentFile(b'from a subprocess')))"
)


def test_a_started_process_writes_into_the_test_media_folder(settings):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pim.settings", "PIM_SECRET_KEY": "media-test-key"}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    name = result.stdout.strip().splitlines()[-1]
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == b"from a subprocess"
    assert not (Path(django_settings.BASE_DIR) / "media" / name).exists()


def test_this_process_writes_into_the_test_media_folder(settings):
    name = default_storage.save("artifacts/probe.txt", ContentFile(b"in process"))
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == b"in process"
    assert Path(settings.MEDIA_ROOT) != Path(django_settings.BASE_DIR) / "media"

"""The demo loader's publish with document builders in worker processes:
the engine takes every document from the workers and stores exactly what
it would have built itself.

The workers must open the database on their own, so the load runs in a
child process against a SQLite file (the test database lives in memory)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = 700  # three engine batches: builders only start from two

SCRIPT = """
import json, sys
from datetime import datetime
import django
django.setup()
from django.core.management import call_command
from publishing import documents

built_here = []
original = documents.build_document

def counted(*args, **kwargs):
    built_here.append(1)
    return original(*args, **kwargs)

documents.build_document = counted
call_command("migrate", verbosity=0)
call_command("load_demo_catalog", "--products", sys.argv[1], "--builders", sys.argv[2], verbosity=0)
engine_builds = len(built_here)

from publishing.documents import build_document, document_queryset
from publishing.models import ProductSnapshot

snapshots = list(ProductSnapshot.objects.filter(deleted=False).select_related("channel"))
products = {p.pk: p for p in document_queryset().filter(pk__in={s.product_id for s in snapshots})}
differ = []
for snap in snapshots:
    stored = dict(snap.document)
    now = datetime.fromisoformat(stored.pop("updated_at"))
    again = build_document(products[snap.product_id], snap.channel, snap.locale, now=now)
    again.pop("updated_at")
    if again != stored:
        differ.append([snap.channel.code, snap.sku, snap.locale])
print(json.dumps({
    "engine_builds": engine_builds, "documents": len(snapshots), "differ": differ[:5],
    "channels": sorted({s.channel.code for s in snapshots}),
    "unstamped": ProductSnapshot.objects.filter(seq__isnull=True).count(),
}))
"""


def load(folder, builders, products=PRODUCTS):
    folder.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PIM_MEDIA_ROOT": str(folder / "media"),
        "PIM_TASKS_BACKEND": "immediate",
        "DJANGO_SETTINGS_MODULE": "pim.settings",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(products), str(builders)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_documents_built_by_workers_are_the_ones_the_engine_would_build(tmp_path):
    report = load(tmp_path / "helped", builders=1)
    assert report["engine_builds"] == 0  # every document came from the worker, under the engine's key
    assert report["documents"] > PRODUCTS * 10 and report["differ"] == []
    assert report["channels"] == ["app", "google-fi", "print", "web"] and report["unstamped"] == 0


def test_without_builders_the_engine_builds_them(tmp_path):
    # What makes the zero above mean something: the count sees the engine's builds.
    report = load(tmp_path / "alone", builders=0, products=60)
    assert report["engine_builds"] > 0 and report["differ"] == []

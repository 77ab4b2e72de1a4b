"""The benchmark runner (bench/run_all.py) with small stand-in scripts: a
run past its timeout is stopped with everything it started and leaves no
scratch folder; results are kept and merged per script × size × database;
``--no-write`` writes nothing; PostgreSQL rows name their database."""

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

BENCH = Path(settings.BASE_DIR) / "bench"


@pytest.fixture
def run_all(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_run_all", BENCH / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    monkeypatch.setattr(module, "BENCH", scripts)
    monkeypatch.setattr(module, "RESULTS", tmp_path / "results" / "latest.json")
    monkeypatch.setattr(module, "DOC", tmp_path / "PERFORMANCE.md")
    monkeypatch.setattr(module, "GRACE_SECONDS", 3)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    module.scripts = scripts
    return module


def _script(folder, name, body):
    path = folder / f"{name}.py"
    path.write_text(f"import sys\nsys.path.insert(0, {str(BENCH)!r})\n" + body)
    return path


STEADY = """
import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--products", type=int)
products = parser.parse_args().products
print("RESULT database=sqlite")
print(f"RESULT total={products / 1000} s")
print("RESULT page_p50=3.5 ms")
"""


def _main(module, monkeypatch, *arguments):
    monkeypatch.setattr(sys, "argv", ["run_all.py", *arguments])
    module.main()


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_silent_run_past_its_timeout_is_stopped_with_its_grandchildren(run_all, tmp_path):
    notes = tmp_path / "notes.json"
    script = _script(run_all.scripts, "silent", f"""
import json, subprocess, time
from _common import scratch_folder
with scratch_folder(prefix="silent-bench-") as folder:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    open({str(notes)!r}, "w").write(json.dumps({{"folder": str(folder), "grandchild": child.pid}}))
    time.sleep(300)  # prints nothing at all
""")
    started = time.monotonic()
    run = run_all.run_one(script, 10, None, timeout=3)
    assert time.monotonic() - started < 30
    assert run["timed_out"] and run["exit_status"] != 0
    seen = json.loads(notes.read_text())
    deadline = time.monotonic() + 10
    while _alive(seen["grandchild"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(seen["grandchild"])
    assert not Path(seen["folder"]).exists()


def test_results_are_merged_per_script_size_and_database(run_all, monkeypatch):
    _script(run_all.scripts, "steady", STEADY)
    _main(run_all, monkeypatch, "--sizes", "2000", "--no-write")
    assert not run_all.RESULTS.exists() and not run_all.DOC.exists()

    _main(run_all, monkeypatch, "--sizes", "1000")
    _main(run_all, monkeypatch, "--sizes", "4000")
    runs = json.loads(run_all.RESULTS.read_text())["runs"]
    assert sorted((r["script"], r["products"], r["label"]) for r in runs) == [
        ("steady", 1000, "SQLite"), ("steady", 4000, "SQLite")]
    table = run_all.DOC.read_text()
    # both sizes in one table, with the cost per product (1 s per 1000 → 1000 µs)
    assert "| steady | total | 1.0 s | 4.0 s | 1 000 | 1 000 |" in table
    assert "| steady | page_p50 | 3.5 ms | 3.5 ms |  |  |" in table  # latencies: no cost per product
    assert "steady.py --products N`" in table

    # a later run replaces its own entry only; --resume skips what succeeded
    before = {r["products"]: r["seconds"] for r in runs}
    _main(run_all, monkeypatch, "--sizes", "1000,4000", "--resume")
    again = json.loads(run_all.RESULTS.read_text())["runs"]
    assert {r["products"]: r["seconds"] for r in again} == before


def test_postgresql_rows_show_the_database_their_command_needs(run_all):
    scratch = run_all.PostgresScratch("postgres://bench:secret@db.example:5433/pim")
    shown = scratch.shown("pim_bench_steady_1000")
    assert shown == "postgres://bench@db.example:5433/pim_bench_steady_1000"  # no password
    run = {"script": "steady", "products": 1000, "label": "PostgreSQL", "exit_status": 0,
           "database": "postgresql", "timed_out": False,
           "command": f"PIM_BENCH_DATABASE_URL={shown} .venv/bin/python bench/steady.py --products 1000",
           "results": {"total": {"value": 1.0, "unit": "s"}}}
    table = run_all.render_table([run])
    assert ("`PIM_BENCH_DATABASE_URL=postgres://bench@db.example:5433/pim_bench_steady_N "
            ".venv/bin/python bench/steady.py --products N`") in table
    sqlite_only = {**run, "database": "sqlite"}
    assert "runs on SQLite only" in run_all.render_table([sqlite_only])


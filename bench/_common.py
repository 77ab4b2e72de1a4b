"""What benchmark scripts share: a throwaway database and media folder, Django set up in a child process, CPU time.

Not a benchmark itself (``run_all.py`` skips names starting with ``_``).
A script's parent process makes a scratch folder (``scratch_folder``) and
runs the script again as a child (``run_child``), once or once per
measurement; the child calls ``setup_django(folder)``, which points Django
at ``PIM_BENCH_DATABASE_URL`` (an empty database) or at a SQLite file in
that folder, with media in the folder too, and migrates. The folder goes
away afterwards, also when a child failed. Figures are printed with
``result(name, value, unit)``.
"""

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(folder):
    """The database a run uses: never ``DATABASE_URL`` or ``db.sqlite3``."""
    return os.environ.get("PIM_BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


def database_kind(url):
    """``postgresql`` or ``sqlite``, as the ``RESULT database=`` line wants it."""
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def setup_django(folder, *, migrate=True):
    """Point Django at the run's database and media folder, set it up and
    migrate; returns the database URL."""
    folder = Path(folder)
    sys.path.insert(0, str(ROOT))
    url = database_url(folder)
    os.environ["DATABASE_URL"] = url
    os.environ["PIM_MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("PIM_SECRET_KEY", "bench-only-secret-key")
    os.environ["PIM_TASKS_BACKEND"] = "immediate"
    os.environ["PIM_TESTING"] = "1"  # lets the test client's host in
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return url


def bench_parser(doc, products_default, products_help):
    """The arguments every benchmark shares: ``--products``, ``--keep`` and
    the hidden ``--child STEP --folder DIR`` that ``run_child`` passes to a
    measurement in its own process."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--products", type=int, default=products_default, help=products_help)
    parser.add_argument("--keep", type=Path, help="Folder for the database and files (default: temporary, removed after).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    return parser


@contextmanager
def scratch_folder(keep=None, prefix="pim-bench-"):
    """The run's folder: ``keep`` (left in place) or a temporary folder
    removed afterwards, also when the run failed."""
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    if threading.current_thread() is threading.main_thread():
        # run_all.py stops a run that timed out with SIGTERM: exit through
        # the finally blocks (this one, a server's stop) instead of dying.
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def run_child(script, step, folder, *arguments):
    """Run ``script --child STEP --folder FOLDER ARGUMENTS…`` in a fresh
    process with its output passed through; returns its exit status."""
    command = [sys.executable, str(script), "--child", step, "--folder", str(folder), *map(str, arguments)]
    return subprocess.run(command, cwd=ROOT).returncode


def result(name, value, unit=""):
    """One ``RESULT name=value unit`` line (see bench/README.md)."""
    print(f"RESULT {name}={value} {unit}".rstrip(), flush=True)


def percentile(values, q):
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds():
    """CPU seconds (user + system) of this process and of its children that
    have ended: work done in worker processes counts too."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reset_peak_memory():
    """Start this process's peak RSS (VmHWM) over from now, where Linux
    allows it; returns whether it did."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_memory_mib():
    """Peak RSS of this process in MiB (VmHWM; not ru_maxrss, which Linux
    carries over from the parent across exec and which cannot be reset)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def largest_child_mib():
    """Peak RSS of the largest child process that has ended, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

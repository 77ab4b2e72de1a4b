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
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


# --- the published demo catalog, loaded once per size -----------------------------
#
# Loading and publishing 100 000 demo products takes 12 min on SQLite and
# 18 min on PostgreSQL; the scripts that need it (pdf_bench, load_test)
# restore a copy made by the first of them instead. The copy is keyed by the
# size, the seed, the database kind and a hash of the project's source and
# migrations, so a changed loader, document builder or schema loads afresh.
# ``PIM_BENCH_CACHE`` names the folder (default ~/.cache/pim-bench); on
# PostgreSQL the copy is a database of the same server (``CREATE DATABASE …
# TEMPLATE``) and the folder keeps the media files.

SOURCE_DIRS = ("catalog", "publishing", "pim", "templates")
SOURCE_SUFFIXES = {".py", ".html", ".json", ".css", ".po"}


def cache_folder():
    configured = os.environ.get("PIM_BENCH_CACHE", "")
    return Path(configured) if configured and configured.lower() != "off" else Path.home() / ".cache" / "pim-bench"


def source_hash(*extra):
    digest = hashlib.sha256("\n".join(extra).encode())
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class DemoCache:
    """The cached copy of a published demo catalog of ``products`` products
    for the database at ``url`` with its media in ``media``."""

    def __init__(self, url, media, products, seed):
        self.url, self.media = url, Path(media)
        self.postgres = database_kind(url) == "postgresql"
        self.prefix = f"demo-{'pg' if self.postgres else 'sqlite'}-{products}-{seed}-"
        # documents carry the base URL (web pages are found by it)
        self.key = self.prefix + source_hash(os.environ.get("PIM_BASE_URL", ""))
        self.folder = cache_folder() / self.key

    # SQLite: the database file itself (and its WAL, if a connection left one)
    def _sqlite_path(self):
        return Path(urlsplit(self.url).path)

    # PostgreSQL: a database on the same server
    def _pg_name(self):
        return "pim_bench_cache_" + self.key.replace("-", "_")

    def _pg(self, sql, retries=10):
        import psycopg

        admin = urlunsplit(urlsplit(self.url)._replace(path="/postgres"))
        for attempt in range(retries):
            try:
                with psycopg.connect(admin, autocommit=True) as connection:
                    cursor = connection.execute(sql)
                    return cursor.fetchall() if cursor.description else None
            except psycopg.errors.ObjectInUse:  # autovacuum on the source; it ends soon
                if attempt == retries - 1:
                    raise
                time.sleep(1)

    def _pg_exists(self, name):
        return bool(self._pg(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def restore(self):
        """Put the cached catalog in place of the (empty) database and media;
        returns False when there is no copy yet."""
        if not (self.folder / "complete").is_file():
            return False
        if self.postgres:
            if not self._pg_exists(self._pg_name()):
                return False
            target = urlsplit(self.url).path.lstrip("/")
            self._pg(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            self._pg(f'CREATE DATABASE "{target}" TEMPLATE "{self._pg_name()}"')
        else:
            path = self._sqlite_path()
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.folder / "db.sqlite3", path)
        if self.media.exists():
            shutil.rmtree(self.media)
        shutil.copytree(self.folder / "media", self.media, copy_function=_link_or_copy)
        return True

    def save(self):
        """Keep a copy of the database and media as they are now (call with
        every connection to the database closed); older copies of the same
        size and seed are removed."""
        base = cache_folder()
        for stale in base.glob(self.prefix + "*") if base.exists() else ():
            shutil.rmtree(stale, ignore_errors=True)
        if self.postgres:
            for (name,) in self._pg("SELECT datname FROM pg_database WHERE datname LIKE "
                                    f"'pim_bench_cache_{self.prefix.replace('-', '_')}%'"):
                self._pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        building = self.folder.with_name(self.key + ".part")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        if self.postgres:
            source = urlsplit(self.url).path.lstrip("/")
            self._pg(f'CREATE DATABASE "{self._pg_name()}" TEMPLATE "{source}"')
        else:
            import sqlite3

            # a consistent copy whatever the journal mode: SQLite's own backup
            with sqlite3.connect(self._sqlite_path()) as source, \
                    sqlite3.connect(building / "db.sqlite3") as copy:
                source.backup(copy)
        shutil.copytree(self.media, building / "media") if self.media.exists() else (building / "media").mkdir()
        (building / "complete").write_text(self.key)
        building.rename(self.folder)


def _link_or_copy(source, destination):
    # media files are never written in place: hard links are safe and instant
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def published_demo_catalog(url, media, products, seed, *, setup, load):
    """The published demo catalog in the database at ``url``: the cached copy
    restored, else ``load()`` run and a copy kept. ``setup()`` sets Django up
    and migrates (a no-op on a restored copy); Django must not have connected
    before. Returns how it came and the seconds it took. Documents keep the
    base URL of the run that loaded them (only their paths matter here);
    ``PIM_BENCH_CACHE=off`` loads every time."""
    started = time.perf_counter()
    enabled = os.environ.get("PIM_BENCH_CACHE", "").lower() != "off"
    cache = DemoCache(url, media, products, seed)
    restored = enabled and cache.restore()
    setup()
    if restored:
        return f"restored from {cache.folder}", time.perf_counter() - started
    load()
    if enabled:
        from django.db import connections

        connections.close_all()
        cache.save()
    return "loaded and published", time.perf_counter() - started

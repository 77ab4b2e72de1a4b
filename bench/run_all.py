"""Runs every benchmark in bench/ at each catalog size and writes the table in docs/PERFORMANCE.md.

Usage: .venv/bin/python bench/run_all.py [--sizes 10000,100000] [--only feed_bench,web_bench]
       [--timeout 7200] [--database all|sqlite|postgresql] [--resume] [--no-write] [--table-only]

`make bench` calls it. Each script ``bench/*.py`` (except this one and
``_*.py``) runs as ``python bench/SCRIPT.py --products N`` in its own
process group, once per size; with ``DATABASE_URL`` pointing at PostgreSQL
every script runs a second time against a fresh database on that server
(``PIM_BENCH_DATABASE_URL``, created and dropped here; the URL's own
database is never touched). A run that prints nothing for longer than
``--timeout`` or runs past it is stopped with its whole process group
(grandchildren included).

The figures each run prints (``RESULT name=value unit`` lines, see
bench/README.md) and the peak memory of its process are kept in
bench/results/latest.json, keyed by script × size × database: a new run
replaces only its own entry, so runs can be split across sessions
(``--only``, ``--sizes``; ``--resume`` skips what already ran fine) and the
table shows every row collected. The table (one per database, with the cost
per product at each size so that growth faster than the work shows, and the
command that reproduces each row) replaces what stands between
``<!-- bench:start -->`` and ``<!-- bench:end -->`` in docs/PERFORMANCE.md.
``--no-write`` prints the table and writes nothing.
"""

import argparse
import json
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
EXCLUDED = {"run_all"}
RESULTS = BENCH / "results" / "latest.json"
RESULT_LINE = re.compile(r"^RESULT\s+([A-Za-z0-9_.:\-\[\]]+)=(\S+)(?:\s+(.*\S))?\s*$")
# A figure in seconds is a total over the catalog (cost per product = value /
# products); a rate's cost per product is 1 / value; milliseconds are
# per-request latencies, which should stay flat as the catalog grows.
TOTAL_UNITS = {"s": 1e6}  # -> µs per product
RATE_UNITS = {"/s", "products/s", "documents/s", "rows/s"}
# A script that renders fewer products than the catalog holds says how many
# with this figure; costs per product are divided by it.
MEASURED_PRODUCTS = "products"
GRACE_SECONDS = 30  # between SIGTERM and SIGKILL of a run that timed out (time to clean up)


def parse_results(stdout):
    """{name: (value, unit)} from ``RESULT name=value unit`` lines."""
    results = {}
    for line in stdout.splitlines():
        match = RESULT_LINE.match(line.strip())
        if match:
            name, raw, unit = match.groups()
            results[name] = (_number(raw), unit or "")
    return results


def _number(raw):
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


def discover(only=None):
    scripts = sorted(p for p in BENCH.glob("*.py") if p.stem not in EXCLUDED and not p.stem.startswith("_"))
    if only:
        wanted = {name.removesuffix(".py") for name in only}
        scripts = [p for p in scripts if p.stem in wanted]
    return scripts


# --- databases ----------------------------------------------------------------


class PostgresScratch:
    """A fresh database per run on the server of DATABASE_URL."""

    def __init__(self, url):
        self.url = url
        parts = urlsplit(url)
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def _execute(self, sql):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def shown(self, name):
        """The URL of database ``name`` as the table shows it (no password)."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" if parts.username else host
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc, path=f"/{name}"))

    def create(self, name):
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def drop(self, name):
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:  # leave it, but say so
            print(f"  (could not drop {name}: {exc})", file=sys.stderr)


def databases(which="all"):
    """[(label, PostgresScratch or None)]: SQLite, and PostgreSQL when
    DATABASE_URL points at a server; ``which`` keeps one of them."""
    plan = [("SQLite", None)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        plan.append(("PostgreSQL", PostgresScratch(url)))
    elif which == "postgresql":
        sys.exit("--database postgresql needs DATABASE_URL=postgres://… (a server to create databases on)")
    return [entry for entry in plan if which in ("all", entry[0].lower())]


# --- running ------------------------------------------------------------------


def _read_lines(stream, lines):
    for line in stream:
        lines.put(line)
    lines.put(None)


def _stop_group(process):
    """SIGTERM the run's process group, SIGKILL it after a grace period:
    grandchildren (render parts, gunicorn workers) go with it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=GRACE_SECONDS)  # reaps only the child; its group may linger
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # anything left of the group
            except ProcessLookupError:
                pass
        return


def run_one(script, products, scratch, timeout):
    """Run one script at one size; returns a dict with its figures."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "PIM_BENCH_DATABASE_URL")}
    env["PYTHONUNBUFFERED"] = "1"
    database_name = None
    path = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    command = [sys.executable, str(path), "--products", str(products)]
    shown = " ".join([".venv/bin/python", *map(shlex.quote, command[1:])])
    if scratch is not None:
        database_name = f"pim_bench_{script.stem}_{products}"
        env["PIM_BENCH_DATABASE_URL"] = scratch.create(database_name)
        shown = f"PIM_BENCH_DATABASE_URL={scratch.shown(database_name)} {shown}"
    started = time.monotonic()
    deadline = started + timeout
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", start_new_session=True)
    lines = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    output, timed_out, ended = [], False, False
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, min(5.0, deadline - time.monotonic())))
            except queue.Empty:
                line = ""
            if line is None:
                ended = True  # output closed: the child exits (or has)
                break
            if line:
                output.append(line)
                print(f"    {line}", end="", flush=True)
            if time.monotonic() > deadline:
                timed_out = True
                output.append(f"timed out after {timeout:.0f} s\n")
                print(f"    timed out after {timeout:.0f} s: stopping its process group", flush=True)
                _stop_group(process)
                break
    finally:
        if not ended and not timed_out:
            _stop_group(process)  # interrupted (Ctrl-C): leave nothing running
        # Not poll()/wait(): they would reap the child before wait4 reads its usage.
        # wait4 gives this child's own peak memory (ru_maxrss, KiB on Linux).
        try:
            _pid, wait_status, usage = os.wait4(process.pid, 0)
            status = os.waitstatus_to_exitcode(wait_status)
            peak_kib = usage.ru_maxrss
        except ChildProcessError:  # already reaped by _stop_group
            status, peak_kib = process.returncode, 0
        process.stdout.close()
        if database_name:
            scratch.drop(database_name)
    if timed_out and not status:
        status = -signal.SIGKILL
    stdout = "".join(output)
    results = parse_results(stdout)
    if peak_kib:
        results.setdefault("peak_memory", (round(peak_kib / 1024), "MiB"))
    reported_db = results.pop("database", (None, ""))[0]
    return {
        "script": script.stem,
        "products": products,
        "command": shown,
        "exit_status": status,
        "timed_out": timed_out,
        "seconds": round(time.monotonic() - started, 1),
        "database": reported_db,
        "results": {name: {"value": value, "unit": unit} for name, (value, unit) in results.items()},
        "tail": stdout.splitlines()[-5:] if status else [],
    }


# --- collected runs ---------------------------------------------------------------


def run_key(run):
    return (run["script"], run["products"], run["label"])


def load_runs(path=None):
    """The runs collected so far (bench/results/latest.json), or []."""
    path = path or RESULTS
    try:
        return json.loads(path.read_text()).get("runs", [])
    except (OSError, ValueError, AttributeError):
        return []


def merge_runs(collected, new):
    """``collected`` with each run of ``new`` replacing the one of the same
    script × size × database; order: script, database, size."""
    merged = {run_key(run): run for run in collected}
    merged.update({run_key(run): run for run in new})
    return sorted(merged.values(), key=lambda run: (run["label"] != "SQLite", run["label"], run["script"],
                                                     run["products"]))


def save_runs(new, stamp, path=None):
    """Merge ``new`` into the file as it is now (another run_all.py, e.g. one
    per database, may have added to it meanwhile); returns every run."""
    path = path or RESULTS
    runs = merge_runs(load_runs(path), new)
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"written": stamp, "runs": runs}, indent=1, ensure_ascii=False))
    temporary.replace(path)
    return runs


# --- the table ----------------------------------------------------------------


def _format(value):
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}".replace(",", " ")
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def per_product(value, unit, products):
    """Cost per product in µs for totals and rates; None for other figures."""
    if not isinstance(value, (int, float)) or not products:
        return None
    if unit in TOTAL_UNITS:
        return value * TOTAL_UNITS[unit] / products
    if unit in RATE_UNITS and value:
        return 1e6 / value
    return None


def render_table(runs, sizes=None):
    """Markdown: one table per database, a row per (script, figure); a
    column per size that any run has."""
    sizes = sizes or sorted({run["products"] for run in runs})
    lines = []
    for database in dict.fromkeys(run["label"] for run in runs):
        lines += ["", f"### {database}", ""]
        header = ["benchmark", "figure"] + [f"{size:,}".replace(",", " ") for size in sizes]
        header += [f"µs/product at {size:,}".replace(",", " ") for size in sizes] + ["command"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for script in dict.fromkeys(run["script"] for run in runs if run["label"] == database):
            by_size = {run["products"]: run for run in runs if run["label"] == database and run["script"] == script}
            names = list(dict.fromkeys(name for run in by_size.values() for name in run["results"]))
            failed = [size for size, run in by_size.items() if run["exit_status"]]
            if MEASURED_PRODUCTS in names:  # the denominator, shown first
                names.remove(MEASURED_PRODUCTS)
                names.insert(0, MEASURED_PRODUCTS)
            # a run that failed before saying which database it used proves nothing
            wrong_db = database != "SQLite" and any(
                (run["database"] or ("sqlite" if run["exit_status"] == 0 else "")).lower() == "sqlite"
                for run in by_size.values()
            )
            command = by_size[max(by_size)]["command"]
            if wrong_db:
                lines.append(f"| {script} | runs on SQLite only (reads no PIM_BENCH_DATABASE_URL) |"
                             + " |" * (2 * len(sizes)) + f" `{command}` |")
                continue
            for name in names:
                cells = [script, name]
                costs = []
                for size in sizes:
                    run = by_size.get(size)
                    entry = run["results"].get(name) if run else None
                    if run is None:
                        cells.append("–")
                    elif entry is None:
                        cells.append(("timed out" if run.get("timed_out") else "failed") if size in failed else "–")
                    else:
                        cells.append(f"{_format(entry['value'])} {entry['unit']}".strip())
                    measured = run["results"].get(MEASURED_PRODUCTS, {}).get("value") if run else None
                    count = measured if isinstance(measured, int) and measured > 0 else size
                    cost = per_product(entry["value"], entry["unit"], count) if entry else None
                    costs.append("" if cost is None else _format(cost))
                cells += costs + [f"`{command.replace(str(max(by_size)), 'N')}`"]
                lines.append("| " + " | ".join(cells) + " |")
            if failed and not names:
                lines.append(f"| {script} | failed at {', '.join(map(str, failed))} |" + " |" * (2 * len(sizes))
                             + f" `{command}` |")
    return "\n".join(lines).strip("\n")


def write_doc(table, stamp):
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    block = f"{START}\n_Written by `make bench` ({stamp}); N is the catalog size of the column._\n\n{table}\n{END}"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(before + block + after)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("PIM_BENCH_SIZES", "10000,100000"),
                        help="Comma list of catalog sizes (default 10000,100000).")
    parser.add_argument("--only", help="Comma list of script names to run (default: all).")
    parser.add_argument("--timeout", type=float, default=7200,
                        help="Seconds per script run (default 7200: pdf_bench at 10 000 took about an hour here).")
    parser.add_argument("--database", choices=("all", "sqlite", "postgresql"), default="all",
                        help="Run on this database only (default: SQLite, and PostgreSQL with DATABASE_URL).")
    parser.add_argument("--resume", action="store_true",
                        help="Skip script × size × database runs that bench/results/latest.json has as succeeded.")
    parser.add_argument("--no-write", action="store_true",
                        help="Print the table; write neither docs/ nor bench/results/latest.json.")
    parser.add_argument("--table-only", action="store_true",
                        help="Run nothing: rewrite the table in docs/ from bench/results/latest.json.")
    args = parser.parse_args()
    if args.table_only:
        write_doc(render_table(load_runs()), datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        print(f"wrote the table into {DOC}")
        return
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    scripts = discover(args.only.split(",") if args.only else None)
    if not scripts:
        sys.exit("no benchmark scripts found")
    collected = load_runs()
    done = {run_key(run) for run in collected if run["exit_status"] == 0}
    runs = []
    for label, scratch in databases(args.database):
        for script in scripts:
            for size in sizes:
                if args.resume and (script.stem, size, label) in done:
                    print(f"== {script.name} --products {size} on {label}: collected before, skipped", flush=True)
                    continue
                print(f"== {script.name} --products {size} on {label}", flush=True)
                run = run_one(script, size, scratch, args.timeout)
                run["label"] = label
                runs.append(run)
                outcome = "ok" if run["exit_status"] == 0 else f"FAILED (exit {run['exit_status']})"
                print(f"   {outcome} in {run['seconds']} s, {len(run['results'])} figures", flush=True)
                if not args.no_write:  # kept at once: a session that stops later loses nothing
                    save_runs(runs, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = render_table(merge_runs(collected if args.no_write else load_runs(), runs))
    print(table)
    if not args.no_write:
        write_doc(table, stamp)
        print(f"\nwrote the table into {DOC.relative_to(ROOT) if DOC.is_relative_to(ROOT) else DOC}")
    failed = [f"{run['script']} ({run['products']}, {run['label']})" for run in runs if run["exit_status"]]
    if failed:
        sys.exit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()

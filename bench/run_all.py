"""Runs every benchmark in bench/ at each catalog size and writes the table in docs/PERFORMANCE.md.

Usage: .venv/bin/python bench/run_all.py [--sizes 10000,100000] [--only feed_bench,web_bench]
       [--timeout 3600] [--no-write]

`make bench` calls it. Each script ``bench/*.py`` (except this one) runs as
``python bench/SCRIPT.py --products N`` in its own process, once per size;
with ``DATABASE_URL`` pointing at PostgreSQL every script runs a second time
against a fresh database on that server (``PIM_BENCH_DATABASE_URL``, created
and dropped here). The figures each run prints (``RESULT name=value unit``
lines, see bench/README.md) and the peak memory of its process are collected
into a table per database, with the cost per product at each size so that
growth faster than the work shows, and the command that reproduces each
row. The table replaces what stands between ``<!-- bench:start -->`` and
``<!-- bench:end -->`` in docs/PERFORMANCE.md; the raw figures go to
bench/results/latest.json.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
EXCLUDED = {"run_all"}
RESULT_LINE = re.compile(r"^RESULT\s+([A-Za-z0-9_.:\-\[\]]+)=(\S+)(?:\s+(.*\S))?\s*$")
# A figure in seconds is a total over the catalog (cost per product = value /
# products); a rate's cost per product is 1 / value; milliseconds are
# per-request latencies, which should stay flat as the catalog grows.
TOTAL_UNITS = {"s": 1e6}  # -> µs per product
RATE_UNITS = {"/s", "products/s", "documents/s", "rows/s"}
SKIPPED_FIGURES = {"products", "locales", "format"}


# Scripts written before the RESULT convention, and how to run and read them.
# "args": how to ask for N products ({n}; {folder}: a scratch folder of the
# run; {database}: the PostgreSQL URL of a PostgreSQL run); "lines": a
# pattern for figures printed as text (groups: name, seconds).
ADAPTERS = {
    "export_bench": {"args": ["--sizes", "{n}", "--json"]},
    "demo_load": {"args": ["--child", "{n}", "--folder", "{folder}"], "database_args": ["--database-url", "{database}"]},
    "import_bench": {"args": ["--rows", "{n}"],
                     "lines": re.compile(r"^(?P<name>\S.*?\S)\s+\d+ rows\s+(?P<seconds>[\d.]+) s\b")},
}


def parse_results(stdout, lines_pattern=None):
    """{name: (value, unit)} from ``RESULT name=value unit`` lines; output of
    the older conventions (one JSON object or list, ``RESULT {json}``, or
    text lines an adapter describes) is read too, the unit taken from the
    key's suffix."""
    results = {}
    for line in stdout.splitlines():
        match = RESULT_LINE.match(line.strip())
        if match:
            name, raw, unit = match.groups()
            results[name] = (_number(raw), unit or "")
    if results:
        return results
    if lines_pattern is not None:
        for line in stdout.splitlines():
            match = lines_pattern.match(line.strip())
            if match:
                results[match["name"].replace(" ", "_")] = (_number(match["seconds"]), "s")
        if results:
            return results
    for key, value in _flatten(_last_json(stdout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or key.split(".")[-1] in SKIPPED_FIGURES:
            continue
        results[key] = (value, _unit_from_key(key))
    return results


def _flatten(value, prefix=""):
    if isinstance(value, list):
        for index, item in enumerate(value):
            label = item.get("format", index) if isinstance(item, dict) else index
            yield from _flatten(item, f"{prefix}{label}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                yield from _flatten(item, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}", item


def _number(raw):
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


def _last_json(text):
    """The last JSON object or list in the output: a whole line (maybe after
    ``RESULT ``) or a block running to the end."""
    for line in reversed(text.splitlines()):
        candidate = line.strip().removeprefix("RESULT ").strip()
        if candidate[:1] in ("{", "["):
            try:
                return json.loads(candidate)
            except ValueError:
                pass
    for start in [i for i, ch in enumerate(text) if ch in "{["]:
        try:
            return json.loads(text[start:])
        except ValueError:
            continue
    return None


def _unit_from_key(key):
    name = key.split(".")[-1]
    for suffix, unit in (("_ms", "ms"), ("_per_s", "/s"), ("_seconds", "s"), ("_s", "s"), ("_bytes", "B"),
                         ("_mib", "MiB"), ("_mb", "MB")):
        if name.endswith(suffix):
            return unit
    return {"seconds": "s", "bytes": "B"}.get(name, "")


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

    def create(self, name):
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def drop(self, name):
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:  # leave it, but say so
            print(f"  (could not drop {name}: {exc})", file=sys.stderr)


def databases():
    """[(label, PostgresScratch or None)]: SQLite always, PostgreSQL when asked."""
    plan = [("SQLite", None)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        plan.append(("PostgreSQL", PostgresScratch(url)))
    return plan


# --- running ------------------------------------------------------------------


def _legacy_flags(script):
    """Scripts older than the RESULT convention print figures as JSON only
    when asked with --json."""
    try:
        usage = subprocess.run([sys.executable, str(script), "--help"], cwd=ROOT, capture_output=True, text=True,
                               timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return ["--json"] if "--json" in usage else []


def run_one(script, products, scratch, timeout, folder):
    """Run one script at one size; returns a dict with its figures."""
    adapter = ADAPTERS.get(script.stem)
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "PIM_BENCH_DATABASE_URL")}
    env["PYTHONUNBUFFERED"] = "1"
    database_name = database_url = None
    if scratch is not None:
        database_name = f"pim_bench_{script.stem}_{products}"
        database_url = env["PIM_BENCH_DATABASE_URL"] = scratch.create(database_name)
    values = {"n": str(products), "folder": str(folder), "database": database_url or ""}
    if adapter:
        extra = [part.format(**values) for part in adapter["args"]]
        if database_url and adapter.get("database_args"):
            extra += [part.format(**values) for part in adapter["database_args"]]
    else:
        extra = ["--products", str(products), *_legacy_flags(script)]
    command = [sys.executable, str(script.relative_to(ROOT)), *extra]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace")
    output, status, peak_kib = [], None, 0
    deadline = started + timeout
    try:
        for line in process.stdout:
            output.append(line)
            print(f"    {line}", end="")
            if time.monotonic() > deadline:
                process.kill()
                output.append(f"timed out after {timeout} s\n")
                break
    finally:
        # wait4 gives this child's own peak memory (ru_maxrss, KiB on Linux).
        _pid, wait_status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        status = process.returncode
        peak_kib = usage.ru_maxrss
        if database_name:
            scratch.drop(database_name)
    stdout = "".join(output)
    results = parse_results(stdout, adapter.get("lines") if adapter else None)
    results.setdefault("peak_memory", (round(peak_kib / 1024), "MiB"))
    reported_db = results.pop("database", (None, ""))[0]
    if adapter and database_url and adapter.get("database_args"):
        reported_db = "postgresql"  # told so on its command line
    return {
        "script": script.stem,
        "products": products,
        "command": " ".join([".venv/bin/python", *map(shlex.quote, command[1:])])
        .replace(str(folder), "DIR").replace(database_url or "\0", "$PIM_BENCH_DATABASE_URL"),
        "exit_status": status,
        "seconds": round(time.monotonic() - started, 1),
        "database": reported_db,
        "results": {name: {"value": value, "unit": unit} for name, (value, unit) in results.items()},
        "tail": stdout.splitlines()[-5:] if status else [],
    }


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


def render_table(runs, sizes):
    """Markdown: one table per database, a row per (script, figure)."""
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
            wrong_db = database != "SQLite" and any(
                (run["database"] or "sqlite").lower() == "sqlite" for run in by_size.values()
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
                        cells.append("failed" if size in failed else "–")
                    else:
                        cells.append(f"{_format(entry['value'])} {entry['unit']}".strip())
                    cost = per_product(entry["value"], entry["unit"], size) if entry else None
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
    parser.add_argument("--timeout", type=float, default=3600, help="Seconds per script run.")
    parser.add_argument("--no-write", action="store_true", help="Print the table, leave docs/ alone.")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    scripts = discover(args.only.split(",") if args.only else None)
    if not scripts:
        sys.exit("no benchmark scripts found")
    runs = []
    for label, scratch in databases():
        for script in scripts:
            for size in sizes:
                print(f"== {script.name} --products {size} on {label}", flush=True)
                with tempfile.TemporaryDirectory(prefix=f"bench-{script.stem}-") as folder:
                    run = run_one(script, size, scratch, args.timeout, folder)
                run["label"] = label
                runs.append(run)
                outcome = "ok" if run["exit_status"] == 0 else f"FAILED (exit {run['exit_status']})"
                print(f"   {outcome} in {run['seconds']} s, {len(run['results'])} figures", flush=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = render_table(runs, sizes)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps({"written": stamp, "runs": runs}, indent=1, ensure_ascii=False))
    print(table)
    if not args.no_write:
        write_doc(table, stamp)
        print(f"\nwrote the table into {DOC.relative_to(ROOT)}")
    failed = [f"{run['script']} ({run['products']}, {run['label']})" for run in runs if run["exit_status"]]
    if failed:
        sys.exit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()

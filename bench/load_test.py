"""Load test: gunicorn on 127.0.0.1, 50 concurrent feed clients and web visitors for 60 s.

Usage: .venv/bin/python bench/load_test.py [--products 10000] [--clients 50] [--duration 60]
       [--warmup 5] [--workers 3] [--threads 4] [--keep DIR]

Builds a throwaway database (SQLite in a temporary folder, or the empty
database in ``PIM_BENCH_DATABASE_URL``) holding the published demo catalog
(``load_demo_catalog --products N --seed 2026``, or the copy the first run
of that size kept: ``_common.published_demo_catalog``; with ``--catalog
snapshots`` the ``web`` channel's snapshots inserted directly in the feed
benchmark's document shape), starts gunicorn (``pim.wsgi``, gthread workers,
``PIM_DEBUG=0``, ``--preload`` with ``PIM_WARM_WEB_INDEX=1``: the web
index is built once in the master, ``server_start`` says how long) on a free port of 127.0.0.1 and runs a bounded asyncio
client: half the clients sync the channel feed page by page with their own
token (``limit=100``, cursor to cursor, starting over at the end), half
visit product pages (70 %), category listings (15 %, a random page and
sort of a category the channel publishes), the home page (5 %) and search
(10 %) in random languages. A short
warm-up with the same load (each worker process fills its own caches) is
not counted. Every request is timed; any status other than 200/301/302/304 or a broken connection is
an error (a redirect is an answer). Prints requests, errors, throughput and p50/p99 latency overall
and per kind as ``RESULT name=value unit`` lines, and exits non-zero when
there were errors. Only 127.0.0.1 is ever contacted; the run stops by
itself after ``--duration`` seconds.
"""

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from _common import percentile, published_demo_catalog, result, scratch_folder

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LISTING_SORTS = ("name", "-name", "price", "-price")
DEMO_SEED = 2026  # pdf_bench's: both restore the same cached catalog


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(folder):
    database = os.environ.get("PIM_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'load.sqlite3'}"
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("PIM_") and key != "DATABASE_URL"},
        "DATABASE_URL": database,
        "PIM_SECRET_KEY": secrets.token_urlsafe(50),
        "PIM_DEBUG": "0",
        "PIM_ALLOWED_HOSTS": HOST,
        # No PIM_BASE_URL: the default (127.0.0.1:8000) is in the documents
        # whatever port this run serves on, so a cached catalog serves too;
        # the clients ask for paths and follow no links.
        "PIM_MEDIA_ROOT": str(folder / "media"),
        "PIM_TASKS_BACKEND": "immediate",
        "PIM_WARM_WEB_INDEX": "1",
        "PYTHONUNBUFFERED": "1",
    }


# --- the catalog --------------------------------------------------------------


def seed(env, products, clients, catalog="auto"):
    """Migrate and fill the database; returns (feed tokens, web page paths,
    category listing paths, locales)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    def setup():
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    started = time.perf_counter()
    if catalog in ("demo", "auto"):
        from django.core.management import call_command

        how, _seconds = published_demo_catalog(
            env["DATABASE_URL"], env["PIM_MEDIA_ROOT"], products, DEMO_SEED, setup=setup,
            load=lambda: call_command("load_demo_catalog", products=products, seed=DEMO_SEED, verbosity=0))
        how = f"demo catalog {how}"
    else:
        setup()
        from django.conf import settings

        _insert_snapshots(products, settings.PIM_BASE_URL)
        how = "snapshots inserted directly"
    from publishing.models import Channel, ChannelToken, ProductSnapshot

    channel = Channel.objects.get(code="web")
    # Integrators each have their own token; the limit here is the channel's,
    # set high so the test measures serving, not the rate limiter.
    Channel.objects.filter(pk=channel.pk).update(rate_limit="1000000/min")
    tokens = [ChannelToken.issue(channel, name=f"load-{i}")[1] for i in range(clients)]
    locales = list(channel.languages.values_list("language_code", flat=True))
    urls = list(
        ProductSnapshot.objects.filter(channel=channel, deleted=False, seq__isnull=False)
        .exclude(document__status="discontinued")  # those redirect or answer 410
        .order_by("?").values_list("document__url", flat=True)[:5000]
    )
    pages = [urlsplit(url).path for url in urls if url]
    listings = sorted({
        f"/{locale}/c/{quote(category['code'])}/"
        for locale, categories in ProductSnapshot.objects.filter(channel=channel, deleted=False)
        .order_by("?").values_list("locale", "document__categories")[:2000]
        for category in categories or [] if category.get("code")
    })
    from django.db import connections

    connections.close_all()
    print(f"catalog: {products} products ({how}) in {time.perf_counter() - started:.1f} s; "
          f"{len(pages)} page URLs, {len(listings)} listings, locales {','.join(locales)}", flush=True)
    return tokens, pages, listings, locales


def _insert_snapshots(products, base_url):
    from django.utils import timezone

    from feed_bench import document
    from publishing import signals
    from publishing.models import Channel, ChannelLanguage, ChannelSequence, ProductSnapshot

    locales = ("en", "ru")
    with signals.paused():
        channel = Channel.objects.create(code="web", name="Web")
        for position, locale in enumerate(locales):
            ChannelLanguage.objects.create(channel=channel, language_code=locale, position=position)
    now = timezone.now()
    batch, seq = [], 0
    for i in range(1, products + 1):
        for locale in locales:
            seq += 1
            doc = document(i, locale, now)
            doc["url"] = doc["url"].replace("http://127.0.0.1:8000", base_url)
            batch.append(ProductSnapshot(channel=channel, sku=doc["sku"], locale=locale, document=doc,
                                         content_hash=str(seq), seq=seq, pending=False, updated_at=now))
        if len(batch) >= 5000:
            ProductSnapshot.objects.bulk_create(batch)
            batch = []
    ProductSnapshot.objects.bulk_create(batch)
    ChannelSequence.objects.create(channel=channel, last_seq=seq)


# --- the server ---------------------------------------------------------------


def start_gunicorn(env, port, workers, threads, log_path):
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "pim.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "gthread",
        "--threads", str(threads), "--keep-alive", "5", "--backlog", "512",
        "--access-logfile", "-", "--access-logformat", "%(s)s %(r)s %(M)sms",
        "--preload",  # with PIM_WARM_WEB_INDEX: the web index built once, before the workers fork
    ]
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 900  # the master builds the web index first (minutes at 100 000)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not start within 900 s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- the client ---------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection to the server (reopened when closed)."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def get(self, target, headers=None):
        """(status, body bytes) of GET target."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
                fresh = True
            else:
                fresh = False
            lines = [f"GET {target} HTTP/1.1", f"Host: {HOST}:{self.port}", "Accept-Encoding: identity"]
            lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            try:
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt == 2:  # a kept-alive connection may have timed out: retry once
                    raise

    async def _response(self):
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            body = bytearray()
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                body += await self.reader.readexactly(size + 2)
                del body[-2:]
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, bytes(body)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Tally:
    def __init__(self):
        self.timings = {}
        self.errors = {}
        self.samples = []

    def record(self, kind, seconds, ok, detail=""):
        self.timings.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.samples) < 10:
                self.samples.append(f"{kind}: {detail}")


async def timed(tally, kind, connection, target, headers=None):
    started = time.perf_counter()
    try:
        status, body = await connection.get(target, headers)
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        tally.record(kind, time.perf_counter() - started, False, f"{target}: {type(exc).__name__} {exc}")
        return None, b""
    tally.record(kind, time.perf_counter() - started, status in (200, 301, 302, 304), f"{target}: HTTP {status}")
    return status, body


async def feed_client(port, token, locales, tally, stop_at, rng):
    import json

    connection, headers = Connection(port), {"Authorization": f"Token {token}"}
    locale, since = rng.choice(locales), None
    try:
        while time.monotonic() < stop_at:
            params = {"locale": locale, "limit": 100}
            if since:
                params["since"] = since
            status, body = await timed(tally, "feed", connection, f"/api/v1/channels/web/products/?{urlencode(params)}",
                                       headers)
            if status != 200:
                since = None
                continue
            page = json.loads(body)
            since = page["next_cursor"]
            if not page["has_more"]:  # synced to the end: start a new full sync
                locale, since = rng.choice(locales), None
    finally:
        connection.close()


async def web_visitor(port, pages, listings, locales, tally, stop_at, rng):
    connection = Connection(port)
    try:
        while time.monotonic() < stop_at:
            roll = rng.random()
            if roll < 0.7 or not listings and roll < 0.85:
                await timed(tally, "product_page", connection, rng.choice(pages))
            elif roll < 0.85:
                query = urlencode({"sort": rng.choice(LISTING_SORTS), "page": rng.randint(1, 3)})
                await timed(tally, "listing", connection, f"{rng.choice(listings)}?{query}")
            elif roll < 0.9:
                await timed(tally, "home", connection, f"/{rng.choice(locales)}/")
            else:
                query = urlencode({"q": rng.choice(["дрель", "Őrült", "fúró 7", "drill"])})
                await timed(tally, "search", connection, f"/{rng.choice(locales)}/search/?{query}")
    finally:
        connection.close()


async def run_clients(port, tokens, pages, listings, locales, clients, duration, feed_share=0.5):
    tally = Tally()
    stop_at = time.monotonic() + duration
    feed_count = round(clients * feed_share)
    tasks = [feed_client(port, tokens[i], locales, tally, stop_at, random.Random(i)) for i in range(feed_count)]
    tasks += [web_visitor(port, pages, listings, locales, tally, stop_at, random.Random(1000 + i))
              for i in range(clients - feed_count)]
    started = time.monotonic()
    await asyncio.gather(*tasks)
    return tally, time.monotonic() - started


def report(tally, elapsed, clients, workers, threads, products):
    everything = [t for values in tally.timings.values() for t in values]
    result("clients", clients)
    result("gunicorn", f"{workers}x{threads}", "workers×threads")
    result("duration", f"{elapsed:.1f}")
    result("requests", len(everything))
    result("errors", sum(tally.errors.values()))
    result("throughput", f"{len(everything) / elapsed:.1f}", "req/s")
    result("p50", f"{statistics.median(everything) * 1000:.1f}", "ms")
    result("p99", f"{percentile(everything, 0.99) * 1000:.1f}", "ms")
    for kind, values in sorted(tally.timings.items()):
        result(f"{kind}_requests", len(values))
        result(f"{kind}_errors", tally.errors.get(kind, 0))
        result(f"{kind}_p50", f"{statistics.median(values) * 1000:.1f}", "ms")
        result(f"{kind}_p99", f"{percentile(values, 0.99) * 1000:.1f}", "ms")
    for sample in tally.samples:
        print(f"error: {sample}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load (bounded).")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (2-4 on 2 cores).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker.")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="Seconds of the same load before measuring (each worker fills its caches).")
    parser.add_argument("--feed-share", type=float, default=0.5,
                        help="Share of the clients that sync the feed; the others visit web pages.")
    parser.add_argument("--catalog", choices=["auto", "demo", "snapshots"], default="auto",
                        help="demo (or auto): the published demo catalog (load_demo_catalog, or its cached "
                             "copy: bench/_common.py); snapshots: the web channel's snapshots inserted directly.")
    parser.add_argument("--keep", help="Folder for the database and the server log (default: temporary).")
    args = parser.parse_args()
    if not 0 < args.duration <= 600:
        parser.error("--duration must be between 0 and 600 seconds")
    with scratch_folder(args.keep, prefix="load-test-") as folder:
        port = free_port()
        env = environment(folder)
        tokens, pages, listings, locales = seed(env, args.products, max(1, args.clients), args.catalog)
        if not pages:
            raise SystemExit("no published web pages to visit")
        booting = time.perf_counter()
        server = start_gunicorn(env, port, args.workers, args.threads, folder / "gunicorn.log")
        server_start = time.perf_counter() - booting
        try:
            print(f"gunicorn on http://{HOST}:{port}/ ({args.workers} workers × {args.threads} threads); "
                  f"{args.clients} clients for {args.duration:.0f} s", flush=True)
            if args.warmup > 0:
                asyncio.run(run_clients(port, tokens, pages, listings, locales, args.clients,
                                        min(args.warmup, 60), args.feed_share))
            tally, elapsed = asyncio.run(
                run_clients(port, tokens, pages, listings, locales, args.clients, args.duration, args.feed_share))
        finally:
            stop(server)
        result("database", "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite")
        result("server_start", round(server_start, 1), "s")  # the web index built in the master
        report(tally, elapsed, args.clients, args.workers, args.threads, args.products)
        if tally.errors:
            raise SystemExit(1)


if __name__ == "__main__":
    main()

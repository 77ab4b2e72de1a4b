"""The feed's per-token rate limit holds across processes that share the cache
(PIM_CACHE_URL): requests counted by another process, as another gunicorn
worker would, count against the same limit. A real redis-server (CI's, or one
started here) and a database cache in a database both processes open."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from pim.settings import cache_from_url
from publishing.models import ChannelToken
from tests.hardening.conftest import redis_server, redis_url  # noqa: F401  (fixtures reused)
from tests.infra.conftest import shared_database  # noqa: F401  (fixture reused)
from tests.publishing.helpers import make_channel

from .conftest import get_page

# Another process of the hub: Django set up from the environment alone, the
# feed's own throttle asked about one token, nothing else shared with this one.
OTHER_WORKER = """
import sys
from types import SimpleNamespace

import django

django.setup()
from publishing.feed.throttling import FeedRateThrottle
from publishing.models import Channel, ChannelToken

token_id, rate, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
request = SimpleNamespace(auth=ChannelToken(pk=token_id, channel=Channel(rate_limit=rate)))
print(" ".join("allowed" if FeedRateThrottle().allow_request(request, None) else "refused" for _ in range(count)))
"""


def other_worker(cache_url, token, rate, count, database_url=None):
    env = {**os.environ, "PIM_CACHE_URL": cache_url, "PIM_SECRET_KEY": "throttle-test",
           "DJANGO_SETTINGS_MODULE": "pim.settings"}
    env.pop("PIM_TEST_SQLITE_NAME", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run([sys.executable, "-c", OTHER_WORKER, str(token.pk), rate, str(count)],
                            cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def throttle_holds_across_processes(cache_url, database=None):
    channel = make_channel("web", languages=("en",), rate_limit="5/min")
    token, raw = ChannelToken.issue(channel)
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    for _ in range(3):
        assert get_page(api).status_code == 200
    # Two more in the other process: five in all, the limit.
    assert other_worker(cache_url, token, "5/min", 2, database) == ["allowed", "allowed"]
    refused = get_page(api)
    assert refused.status_code == 429, "the other process's requests were not counted"
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    assert other_worker(cache_url, token, "5/min", 1, database) == ["refused"]


def test_the_throttle_holds_across_processes_sharing_redis(db, redis_url, settings):  # noqa: F811
    settings.CACHES = {"default": cache_from_url(redis_url)}
    throttle_holds_across_processes(redis_url)


@pytest.fixture
def database_cache(shared_database, settings):  # noqa: F811
    """A database cache in the database another process opens too."""
    url = "db://pim_feed_cache"
    settings.CACHES = {"default": cache_from_url(url)}
    call_command("createcachetable", verbosity=0)
    yield url, shared_database
    # Back to memory while the database is still there (the feed tests clear the cache afterwards).
    settings.CACHES = {"default": cache_from_url("locmem://")}


def test_the_throttle_holds_across_processes_sharing_a_database_cache(database_cache):
    throttle_holds_across_processes(*database_cache)


def test_a_process_local_cache_would_not_hold(settings, db):
    """What the shared cache fixes: with locmem every process counts alone."""
    settings.CACHES = {"default": cache_from_url("locmem://")}
    channel = make_channel("web", languages=("en",), rate_limit="2/min")
    token, raw = ChannelToken.issue(channel)
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    assert [get_page(api).status_code for _ in range(3)] == [200, 200, 429]
    assert other_worker("locmem://", token, "2/min", 2) == ["allowed", "allowed"]


@pytest.mark.parametrize("url, backend, location", [
    ("locmem://", "locmem.LocMemCache", ""),
    ("redis://cache.example:6379/1", "redis.RedisCache", "redis://cache.example:6379/1"),
    ("rediss://:secret@cache.example:6380/0", "redis.RedisCache", "rediss://:secret@cache.example:6380/0"),
    ("db://pim_cache", "db.DatabaseCache", "pim_cache"),
    ("db://", "db.DatabaseCache", "pim_cache"),
    ("file:///var/cache/pim", "filebased.FileBasedCache", "/var/cache/pim"),
])
def test_cache_url_forms(url, backend, location):
    assert cache_from_url(url) == {"BACKEND": f"django.core.cache.backends.{backend}", "LOCATION": location}


def test_an_unknown_cache_url_stops_the_hub_at_start_up():
    env = {**os.environ, "PIM_CACHE_URL": "memcached://cache.example:11211", "PIM_SECRET_KEY": "cache-test"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "PIM_CACHE_URL must be locmem://, redis://host:port/db" in result.stderr.strip().splitlines()[-1]

"""Fixtures of the feed tests: channels, tokens and stamped snapshots made directly."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from publishing.models import ChannelSequence, ChannelToken, ProductSnapshot
from tests.publishing.helpers import make_channel

FEED = "/api/v1/channels/{channel}/products/"


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def channel(db):
    return make_channel("web", languages=("en", "fi"))


@pytest.fixture
def token(channel):
    _token, raw = ChannelToken.issue(channel, name="shop")
    return raw


@pytest.fixture
def api(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


class Feed:
    """Writes snapshot rows the way publishing stamps them."""

    def __init__(self, channel):
        self.channel = channel

    @property
    def last_seq(self):
        return ChannelSequence.objects.filter(channel=self.channel).values_list("last_seq", flat=True).first() or 0

    def _next(self):
        sequence, _ = ChannelSequence.objects.get_or_create(channel=self.channel)
        sequence.last_seq += 1
        sequence.save(update_fields=["last_seq"])
        return sequence.last_seq

    def put(self, sku, locale="en", name=None, **extra):
        """Publish (or republish) a document: its row moves to the next seq."""
        seq, now = self._next(), timezone.now()
        document = {"sku": sku, "deleted": False, "locale": locale, "name": name or f"Product {sku}",
                    "updated_at": now.isoformat(), **extra}
        ProductSnapshot.objects.update_or_create(
            channel=self.channel, locale=locale, sku=sku,
            defaults={"document": document, "content_hash": str(seq), "deleted": False, "seq": seq,
                      "pending": False, "updated_at": now},
        )
        return seq

    def delete(self, sku, locale="en"):
        seq, now = self._next(), timezone.now()
        document = {"sku": sku, "deleted": True, "locale": locale, "updated_at": now.isoformat()}
        ProductSnapshot.objects.filter(channel=self.channel, locale=locale, sku=sku).update(
            document=document, content_hash="tombstone", deleted=True, seq=seq, pending=False, updated_at=now,
        )
        return seq

    def bulk(self, count, locale="en", prefix="SKU"):
        """``count`` live documents in one insert."""
        base, now = self.last_seq, timezone.now()
        ProductSnapshot.objects.bulk_create([
            ProductSnapshot(
                channel=self.channel, sku=f"{prefix}{i:05d}", locale=locale, content_hash=str(i),
                document={"sku": f"{prefix}{i:05d}", "deleted": False, "locale": locale, "name": f"Ж {i}",
                          "updated_at": now.isoformat()},
                seq=base + i, pending=False, updated_at=now,
            )
            for i in range(1, count + 1)
        ], batch_size=500)
        ChannelSequence.objects.update_or_create(channel=self.channel, defaults={"last_seq": base + count})

    def set_horizon(self, horizon):
        ChannelSequence.objects.filter(channel=self.channel).update(horizon=horizon)


@pytest.fixture
def feed(channel):
    return Feed(channel)


def get_page(client, channel="web", **params):
    params.setdefault("locale", "en")
    return client.get(FEED.format(channel=channel), params)


def sync(client, since=None, limit=100, channel="web", locale="en", max_pages=1000):
    """Page until has_more is false; returns (results of all pages, pages, stored cursor)."""
    results, pages = [], 0
    while True:
        params = {"locale": locale, "limit": limit}
        if since:
            params["since"] = since
        response = get_page(client, channel=channel, **params)
        assert response.status_code == 200, response.content
        data = response.json()
        results.extend(data["results"])
        pages += 1
        since = data["next_cursor"]
        if not data["has_more"]:
            return results, pages, since
        assert pages < max_pages


def apply(copy, results):
    """What a client does with a page: replace or remove by sku."""
    for item in results:
        if item["deleted"]:
            copy.pop(item["sku"], None)
        else:
            copy[item["sku"]] = item
    return copy


def run_commit_callbacks():
    """Run every on-commit callback collected so far, as a real commit would
    (including refreshes scheduled before a capture block started)."""
    while connection.run_on_commit:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _sids, func, _robust in pending:
            func()

"""Fixtures: a `web` channel and contract-shaped snapshots written directly."""

import itertools
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishing.models import Channel, ChannelLanguage, ChannelSequence, ProductSnapshot
from publishing.web import pages

LANGS = ["en", "fi", "hu", "ru", "bg"]
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_index():
    pages.clear_cache()
    yield
    pages.clear_cache()


@pytest.fixture
def web(db):
    channel = Channel.objects.create(code="web", name="Web shop", kind=Channel.Kind.WEB)
    for position, code in enumerate(LANGS):
        ChannelLanguage.objects.create(channel=channel, language_code=code, position=position)
    return channel


def page_url(locale, slug):
    return f"{settings.PIM_BASE_URL}/{locale}/p/{quote(slug, safe='')}/"


def make_document(sku, locale, name, slug, *, price="19.90", availability="in_stock", categories=None,
                  attributes=None, status="active", replacement=None, stores=None, variants=None):
    return {
        "sku": sku,
        "deleted": False,
        "locale": locale,
        "name": name,
        "short_description": f"<p>{name} – short</p>",
        "description": f"<p>{name} <strong>description</strong></p>",
        "brand": "Nordtool",
        "gtin": "6412345678901",
        "categories": categories if categories is not None else [
            {"code": "drills", "name": {"hu": "Fúrók", "ru": "Дрели"}.get(locale, "Drills"), "path": "Tools > Drills"},
        ],
        "url": page_url(locale, slug),
        "price": {"amount": price, "currency": "EUR", "includes_vat": True} if price else None,
        "availability": availability,
        "stores": stores if stores is not None else [
            {"code": "kamppi", "name": "Kamppi", "availability": "in_stock", "quantity": 4},
        ],
        "images": [{
            "url": f"http://media.test/media/{sku}.jpg", "alt": f"{name} photo", "width": 1200, "height": 900,
            "renditions": [
                {"url": f"http://media.test/media/{sku}-320.jpeg", "width": 320, "format": "jpeg"},
                {"url": f"http://media.test/media/{sku}-800.jpeg", "width": 800, "format": "jpeg"},
            ],
        }],
        "attributes": attributes if attributes is not None else [
            {"code": "voltage", "label": "Voltage", "value": "18", "display": "18 V"},
        ],
        "variants": variants or [],
        "relations": [],
        "status": status,
        "replacement": replacement,
        "fallback": [],
        "updated_at": "2026-11-20T10:00:00+00:00",
    }


def store(channel, document, *, deleted=False, seq=True):
    """Write a snapshot the way the core does: one row per channel × locale × sku."""
    snapshot, _ = ProductSnapshot.objects.update_or_create(
        channel=channel, locale=document["locale"], sku=document["sku"],
        defaults={
            "document": document,
            "content_hash": f"h{next(_seq)}",
            "deleted": deleted,
            "seq": next(_seq) if seq else None,
            "pending": not seq,
            "updated_at": datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc),
        },
    )
    if seq:  # the core moves the channel's counter with every stamped change
        ChannelSequence.objects.update_or_create(channel=channel, defaults={"last_seq": snapshot.seq})
    return snapshot


def tombstone(channel, sku, locale):
    return store(channel, {"sku": sku, "deleted": True, "locale": locale,
                           "updated_at": "2026-11-21T10:00:00+00:00"}, deleted=True)


NAMES = {
    "en": ("Cordless drill", "cordless-drill"),
    "fi": ("Akkuporakone", "akkuporakone"),
    "hu": ("Akkus fúró Őrség", "akkus-furo-orseg"),
    "ru": ("Аккумуляторная дрель Ж", "дрель-ж"),
    "bg": ("Акумулаторна бормашина", "бормашина"),
}


@pytest.fixture
def drill(web):
    """One product published in every language, with non-ASCII names and slugs."""
    return {
        lang: store(web, make_document("DR-1", lang, name, slug, price="129.00"))
        for lang, (name, slug) in NAMES.items()
    }


def queries_after_publish_and_cached(client, url, data=None):
    """Queries of two GETs of ``url``: the first after a publish (cold cache), then a cached one."""
    pages.clear_cache()
    counts = []
    for _first_then_cached in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, data)
        assert response.status_code == 200
        counts.append(len(captured))
    return counts, response

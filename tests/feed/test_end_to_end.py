"""Publishing through the services and syncing through the feed: every edit,
unpublish and deletion reaches the client exactly once."""

import json
from contextlib import contextmanager

import pytest

from catalog.models import Product
from publishing.models import ChannelToken
from publishing.services import publish, unpublish
from tests.publishing.helpers import make_channel, make_complete_product

from .conftest import apply, run_commit_callbacks, sync
from .test_webhooks import SECRET, Receiver

pytestmark = pytest.mark.django_db


def rename(product, language, name):
    product = Product.objects.get(pk=product.pk)
    product.set_current_language(language)
    product.name = name
    product.save()
    return product


@contextmanager
def committed():
    yield
    run_commit_callbacks()


def test_publish_sync_edit_unpublish_delete(client, settings):
    settings.PIM_WEBHOOK_ALLOW_PRIVATE = True
    with Receiver() as receiver:
        with committed():
            channel = make_channel("web", languages=("en", "fi"), webhook_url=receiver.url, webhook_secret=SECRET)
        _token, raw = ChannelToken.issue(channel)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {raw}"
        with committed():
            products = [
                make_complete_product(sku=f"P{i}", names={"en": f"Drill {i}", "fi": f"Pora {i}"})
                for i in range(4)
            ]
        with committed():
            for product in products:
                publish(product, channel)

        copy_fi, _pages, cursor_fi = sync(client, locale="fi", limit=3)
        copy_fi = apply({}, copy_fi)
        assert sorted(copy_fi) == ["P0", "P1", "P2", "P3"]
        assert copy_fi["P2"]["name"] == "Pora 2" and copy_fi["P2"]["locale"] == "fi"
        copy_en = apply({}, sync(client, locale="en")[0])
        assert copy_en["P2"]["name"] == "Drill 2"

        with committed():
            rename(products[1], "fi", "Pora yksi")
        with committed():
            rename(products[1], "fi", "Pora 1 uusi")
        with committed():
            unpublish(products[2], channel)
        with committed():
            Product.objects.get(pk=products[3].pk).delete()

        delta, _pages, cursor_fi2 = sync(client, locale="fi", since=cursor_fi, limit=2)
        skus = [item["sku"] for item in delta]
        assert sorted(skus) == ["P1", "P2", "P3"]  # each change once, in its latest state
        apply(copy_fi, delta)
        assert sorted(copy_fi) == ["P0", "P1"]
        assert copy_fi["P1"]["name"] == "Pora 1 uusi"
        assert sync(client, locale="fi", since=cursor_fi2)[0] == []

        events = [json.loads(r["body"]) for r in receiver.requests]
        assert all(r["valid"] for r in receiver.requests)
    assert {(e["event"], e["sku"]) for e in events if e["locale"] == "fi"} >= {
        ("published", "P0"), ("published", "P1"), ("unpublished", "P2"), ("unpublished", "P3"),
    }

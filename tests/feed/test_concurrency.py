"""The cursor guarantee seen through the HTTP feed: a publish that commits
after a reader moved past later numbers is still delivered (PostgreSQL only:
SQLite serialises writers, so the race cannot happen there)."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from publishing.models import ChannelToken
from publishing.services import publish
from tests.publishing.helpers import make_channel, make_complete_product
from tests.threads import start_in_thread

from .conftest import sync

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers"),
]


@pytest.mark.django_db(transaction=True)
def test_late_commit_is_delivered_by_the_next_delta():
    channel = make_channel("web", languages=("en",))
    first = make_complete_product(sku="A-FIRST", names={"en": "First"})
    second = make_complete_product(sku="B-SECOND", names={"en": "Second"})
    _token, raw = ChannelToken.issue(channel)
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    _, _, cursor = sync(client)
    a_written, a_may_commit, errors = threading.Event(), threading.Event(), []

    def publisher_a():
        with transaction.atomic():
            publish(first, channel)  # written first …
            a_written.set()
            assert a_may_commit.wait(30)
        # … committed last, after B and after a reader passed B.

    thread_a = start_in_thread(publisher_a, errors)
    try:
        assert a_written.wait(30)
        start_in_thread(lambda: publish(second, channel), errors).join(30)
        seen, _, cursor = sync(client, since=cursor)
        assert [item["sku"] for item in seen] == ["B-SECOND"]
    finally:
        a_may_commit.set()
        thread_a.join(30)
    assert not errors, errors
    seen_later, _, _ = sync(client, since=cursor)
    assert [item["sku"] for item in seen_later] == ["A-FIRST"]

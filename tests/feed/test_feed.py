"""The channel feed: full sync, deltas, cursors, errors, caching and limits."""

import gzip

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from publishing.feed import cursor as cursors
from publishing.models import ProductSnapshot

from .conftest import apply, get_page, sync

pytestmark = pytest.mark.django_db


def test_full_sync_pages_through_current_state_without_tombstones(api, feed):
    for i in range(25):
        feed.put(f"A{i:02d}")
    feed.put("GONE")
    feed.delete("GONE")
    results, pages, cursor = sync(api, limit=10)
    assert pages == 3
    assert [r["sku"] for r in results] == [f"A{i:02d}" for i in range(25)]
    assert not any(r["deleted"] for r in results)
    # Nothing changed since: an empty delta returns the very cursor sent.
    response = get_page(api, since=cursor)
    assert response.json() == {"results": [], "next_cursor": cursor, "has_more": False}


def test_delta_carries_each_change_once_in_latest_state_with_tombstones(api, feed):
    for sku in ("A", "B", "C"):
        feed.put(sku)
    copy = apply({}, sync(api)[0])
    _, _, cursor = sync(api)

    feed.put("A", name="A v2")
    feed.delete("B")
    feed.put("A", name="A v3")
    feed.put("D")
    results, _, cursor2 = sync(api, since=cursor)
    assert [r["sku"] for r in results] == ["B", "A", "D"]
    tombstone = results[0]
    assert set(tombstone) == {"sku", "deleted", "locale", "updated_at"}
    assert tombstone["deleted"] is True
    assert results[1]["name"] == "A v3"
    assert sorted(apply(copy, results)) == ["A", "C", "D"]
    assert cursor2 != cursor
    assert sync(api, since=cursor2)[0] == []


def test_change_during_full_sync_is_not_lost(api, feed):
    for i in range(10):
        feed.put(f"P{i}")
    first = get_page(api, limit=4).json()
    assert first["has_more"] is True
    served = {r["sku"] for r in first["results"]}
    # While the client pages on: an already served product is deleted, one
    # not yet served is edited, a new one appears.
    feed.delete("P1")
    feed.put("P8", name="edited")
    feed.put("NEW")
    rest, _, cursor = sync(api, since=first["next_cursor"], limit=4)
    copy = apply({sku: {} for sku in served}, rest)
    assert "P1" not in copy
    assert copy["P8"]["name"] == "edited"
    assert "NEW" in copy
    assert sorted(copy) == sorted({f"P{i}" for i in range(10)} - {"P1"} | {"NEW"})
    assert [r["sku"] for r in rest].count("P8") == 1
    assert sync(api, since=cursor)[0] == []


def test_empty_continuation_page_of_a_full_sync_returns_the_cursor_sent(api, feed):
    for sku in ("A", "B", "C"):
        feed.put(sku)
    first = get_page(api, limit=2).json()
    assert first["has_more"] is True
    # The row the first page promised is gone before the client asks for it
    # (as after a prune), so the continuation page comes back empty.
    ProductSnapshot.objects.filter(sku="C").delete()
    since = first["next_cursor"]
    page = get_page(api, since=since, limit=2).json()
    assert page == {"results": [], "next_cursor": since, "has_more": False}
    # That cursor still means the same position: later changes arrive once.
    feed.put("D")
    feed.put("A", name="A v2")
    results, _, _ = sync(api, since=since)
    assert [(r["sku"], r["name"]) for r in results] == [("D", "Product D"), ("A", "A v2")]


def test_tombstone_older_than_full_sync_is_not_served(api, feed):
    feed.put("OLD")
    feed.delete("OLD")
    for i in range(3):
        feed.put(f"P{i}")
    first = get_page(api, limit=1).json()
    results, _, _ = sync(api, since=first["next_cursor"], limit=1)
    assert all(not r["deleted"] for r in first["results"] + results)


def test_full_sync_cursor_stays_valid_after_pruning(api, feed):
    # Long-lived documents below a horizon raised by pruned tombstones.
    for i in range(5):
        feed.put(f"P{i}")
    for i in range(5):
        feed.put(f"T{i}")
        feed.delete(f"T{i}")
    feed.set_horizon(feed.last_seq)
    results, pages, cursor = sync(api, limit=2)
    assert sorted(r["sku"] for r in results) == [f"P{i}" for i in range(5)]
    feed.put("P0", name="later")
    delta, _, _ = sync(api, since=cursor)
    assert [r["name"] for r in delta] == ["later"]


def test_expired_cursor_answers_410(api, feed):
    feed.put("A")
    _, _, cursor = sync(api)
    feed.put("B")
    feed.delete("B")
    feed.set_horizon(feed.last_seq)
    response = get_page(api, since=cursor)
    assert response.status_code == 410
    assert response.json()["code"] == "cursor_expired"
    assert "full sync" in response.json()["detail"]


@pytest.mark.parametrize("since", ["garbage", "a.b", "djE6MTplbjo1.AAAA", "x" * 300])
def test_malformed_cursor_answers_400(api, feed, since):
    feed.put("A")
    response = get_page(api, since=since)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_tampered_or_foreign_cursor_is_refused(api, feed, channel):
    feed.put("A")
    feed.put("A", locale="fi")
    _, _, cursor = sync(api)
    body, mac = cursor.split(".")
    forged = cursors._b64(cursors._unb64(body).replace(b":en:", b":en:1")) + "." + mac
    assert get_page(api, since=forged).json()["code"] == "invalid_cursor"
    # A valid cursor of another locale is refused too.
    assert get_page(api, locale="fi", since=cursor).json()["code"] == "invalid_cursor"
    fi_cursor = cursors.encode(cursors.Cursor(channel.pk, "fi", 0))
    assert get_page(api, locale="fi", since=fi_cursor).status_code == 200


def test_unknown_or_missing_locale_lists_valid_ones(api, feed):
    response = get_page(api, locale="de")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid_locale"
    assert data["valid_locales"] == ["en", "fi"]
    assert "en, fi" in data["detail"]
    response = Client(HTTP_AUTHORIZATION=api.defaults["HTTP_AUTHORIZATION"]).get("/api/v1/channels/web/products/")
    assert response.status_code == 400
    assert response.json()["valid_locales"] == ["en", "fi"]


def test_token_errors(feed, channel, token):
    from publishing.models import ChannelToken
    from tests.publishing.helpers import make_channel

    response = get_page(Client())
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"

    assert get_page(Client(HTTP_AUTHORIZATION="Token nope")).status_code == 401
    assert get_page(Client(HTTP_AUTHORIZATION="Bearer x")).status_code == 401

    other = make_channel("app")
    _t, other_raw = ChannelToken.issue(other)
    response = get_page(Client(HTTP_AUTHORIZATION=f"Token {other_raw}"))
    assert response.status_code == 403
    assert response.json()["code"] == "wrong_channel"
    # ... also for a channel that does not exist: nothing leaks.
    assert get_page(Client(HTTP_AUTHORIZATION=f"Token {token}"), channel="nope").status_code == 403

    ChannelToken.objects.get(channel=channel).revoke()
    response = get_page(Client(HTTP_AUTHORIZATION=f"Token {token}"))
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_inactive_channel_is_refused(api, channel):
    channel.is_active = False
    channel.save()
    response = get_page(api)
    assert response.status_code == 403
    assert response.json()["code"] == "channel_inactive"


def test_last_used_is_written_at_most_once_a_minute(api, channel, feed):
    from publishing.models import ChannelToken

    get_page(api)
    first = ChannelToken.objects.get(channel=channel).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        get_page(api)
    # The pull counter (FeedPullDay) is written per request; the token row is not.
    token_table = ChannelToken._meta.db_table
    assert not any("UPDATE" in q["sql"] and token_table in q["sql"] for q in queries.captured_queries)
    assert ChannelToken.objects.get(channel=channel).last_used_at == first


def test_etag_and_if_none_match(api, feed):
    feed.put("A")
    response = get_page(api)
    etag = response["ETag"]
    assert etag.startswith('"')
    again = api.get("/api/v1/channels/web/products/", {"locale": "en"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    # gzip makes the ETag weak; the weak form matches too.
    assert api.get("/api/v1/channels/web/products/", {"locale": "en"},
                   HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    feed.put("B")
    changed = api.get("/api/v1/channels/web/products/", {"locale": "en"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_gzip(api, feed):
    feed.bulk(50)
    response = api.get("/api/v1/channels/web/products/", {"locale": "en"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    import json
    data = json.loads(gzip.decompress(response.content))
    assert len(data["results"]) == 50
    assert data["results"][0]["name"] == "Ж 1"


def test_limit_default_cap_and_invalid_values(api, feed):
    feed.bulk(1005)
    assert len(get_page(api).json()["results"]) == 100
    capped = get_page(api, limit=5000).json()
    assert len(capped["results"]) == 1000
    assert capped["has_more"] is True
    for bad in ("-1", "0", "abc", "1.5"):
        response = get_page(api, limit=bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid_limit"


def test_throttle_answers_429_with_retry_after(api, channel, feed):
    channel.rate_limit = "2/min"
    channel.save()
    assert get_page(api).status_code == 200
    assert get_page(api).status_code == 200
    response = get_page(api)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 61


def test_throttle_default_rate_from_settings(api, settings, feed):
    settings.PIM_FEED_RATE = "1/min"
    assert get_page(api).status_code == 200
    assert get_page(api).status_code == 429


def test_query_count_is_the_same_for_10_and_1000_items(api, feed):
    feed.bulk(1000)
    get_page(api, limit=1)  # warm-up: last_used_at is written once

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            response = get_page(api, limit=limit)
        assert len(response.json()["results"]) == limit
        return len(queries)

    small, large = count(10), count(1000)
    assert small == large
    assert large <= 5, large


def test_single_document(api, feed):
    feed.put("A", name="Akkuporakone")
    feed.put("B")
    feed.delete("B")
    response = api.get("/api/v1/channels/web/products/A/", {"locale": "en"})
    assert response.status_code == 200
    assert response.json()["name"] == "Akkuporakone"
    assert api.get("/api/v1/channels/web/products/A/", {"locale": "en"},
                   HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    for sku in ("B", "NOPE"):
        missing = api.get(f"/api/v1/channels/web/products/{sku}/", {"locale": "en"})
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"
    assert api.get("/api/v1/channels/web/products/A/", {"locale": "ru"}).json()["code"] == "invalid_locale"


def test_unknown_api_url_answers_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_query_token_only_where_allowed(token):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from publishing.feed.auth import ChannelTokenAuthentication, QueryTokenAuthentication

    request = Request(APIRequestFactory().get("/feeds/web/en/google-xml", {"token": token}))
    assert ChannelTokenAuthentication().authenticate(request) is None
    client, found = QueryTokenAuthentication().authenticate(request)
    assert found.channel.code == "web" and client.channel.code == "web"

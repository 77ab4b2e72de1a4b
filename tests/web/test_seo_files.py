"""/sitemap.xml (urlset and index) and /robots.txt."""

import gzip

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from .conftest import NAMES, make_document, page_url, store, tombstone

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def catalog(web, drill):
    # published in en and fi only
    store(web, make_document("SAW-1", "en", "Saw", "saw"))
    store(web, make_document("SAW-1", "fi", "Saha", "saha"))
    # withdrawn everywhere: a tombstone
    store(web, make_document("GONE-1", "en", "Gone", "gone"))
    tombstone(web, "GONE-1", "en")
    # discontinued: answers 410, so not listed
    store(web, make_document("OLD-1", "en", "Old", "old", status="discontinued"))
    # waiting for its sequence number: not public yet
    store(web, make_document("NEW-1", "en", "New", "new"), seq=False)
    # another channel's documents never reach the web sitemap
    from publishing.models import Channel
    app = Channel.objects.create(code="app", name="App", kind=Channel.Kind.APP)
    store(app, make_document("APP-1", "en", "App only", "app-only"))
    return web


def urlset(client, address="/sitemap.xml"):
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def test_sitemap_lists_every_published_page_and_nothing_else(client, catalog):
    root = urlset(client)
    locs = root.xpath("//s:url/s:loc/text()", namespaces=NS)
    expected = {page_url(lang, slug) for lang, (_name, slug) in NAMES.items()}
    expected |= {page_url("en", "saw"), page_url("fi", "saha")}
    assert sorted(locs) == sorted(expected)
    assert len(locs) == len(set(locs))


def test_sitemap_alternates(client, catalog):
    root = urlset(client)
    url = root.xpath('//s:url[s:loc="%s"]' % page_url("fi", "saha"), namespaces=NS)[0]
    links = {link.get("hreflang"): link.get("href") for link in url.xpath("x:link", namespaces=NS)}
    assert links == {"en": page_url("en", "saw"), "fi": page_url("fi", "saha"), "x-default": page_url("en", "saw")}
    drill = root.xpath('//s:url[s:loc="%s"]' % page_url("ru", NAMES["ru"][1]), namespaces=NS)[0]
    assert len(drill.xpath("x:link", namespaces=NS)) == 6  # five languages + x-default
    assert all(h.isascii() for h in drill.xpath("x:link/@href", namespaces=NS))


def test_sitemap_index_past_the_limit(client, catalog, settings):
    settings.PIM_SITEMAP_MAX_URLS = 3  # 7 URLs → 3 parts
    root = etree.fromstring(client.get("/sitemap.xml").content)
    assert etree.QName(root).localname == "sitemapindex"
    parts = root.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert parts == [f"{settings.PIM_BASE_URL}/sitemap-{n}.xml" for n in (1, 2, 3)]
    locs = []
    for n in (1, 2, 3):
        locs += urlset(client, f"/sitemap-{n}.xml").xpath("//s:url/s:loc/text()", namespaces=NS)
    assert len(locs) == 7 and len(set(locs)) == 7
    assert client.get("/sitemap-4.xml").status_code == 404


def test_robots_txt(client, web):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Sitemap: {settings.PIM_BASE_URL}/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /*/preview/" in text


def test_sitemap_parts_are_capped_by_bytes_too(client, catalog, settings):
    whole = client.get("/sitemap.xml").content
    settings.PIM_SITEMAP_MAX_BYTES = len(whole) // 2  # far below the URL limit: the size decides
    root = etree.fromstring(client.get("/sitemap.xml").content)
    assert etree.QName(root).localname == "sitemapindex"
    count = len(root.xpath("//s:sitemap", namespaces=NS))
    assert count >= 2
    locs = []
    for n in range(1, count + 1):
        part = client.get(f"/sitemap-{n}.xml")
        assert len(part.content) <= settings.PIM_SITEMAP_MAX_BYTES
        locs += etree.fromstring(part.content).xpath("//s:url/s:loc/text()", namespaces=NS)
    assert sorted(locs) == sorted(etree.fromstring(whole).xpath("//s:url/s:loc/text()", namespaces=NS))


def test_sitemap_part_query_count_does_not_grow_with_the_catalog(client, web, settings):
    settings.PIM_SITEMAP_MAX_URLS = 5

    def part_queries(products):
        for i in range(products):
            store(web, make_document(f"K-{products}-{i:03d}", "en", f"Item {i}", f"item-{products}-{i}"))
        client.get("/sitemap.xml")  # the plan, once per channel state
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/sitemap-2.xml")
        assert response.status_code == 200
        assert len(etree.fromstring(response.content).xpath("//s:url", namespaces=NS)) == 5
        # keyset: the part reads its own sku range, not the catalog
        assert "K-12-005" in captured[-1]["sql"] and "K-12-010" in captured[-1]["sql"]
        return len(captured)

    few = part_queries(12)
    many = part_queries(200)
    assert few == many <= 4  # the channel, its languages, the feed counter, the part's own rows


def test_sitemap_revalidates_until_the_next_publish(client, catalog, web):
    response = client.get("/sitemap.xml")
    assert response["ETag"] and response["Last-Modified"]
    assert client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    store(web, make_document("NEW-2", "en", "Newer", "newer"))
    fresh = client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=response["ETag"])
    assert fresh.status_code == 200 and page_url("en", "newer").encode() in fresh.content


def test_sitemap_is_sent_gzipped_to_clients_that_accept_it(client, catalog):
    plain = client.get("/sitemap.xml")
    packed = client.get("/sitemap.xml", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip" and not plain.has_header("Content-Encoding")
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert packed["ETag"] != plain["ETag"]
    assert client.get("/sitemap.xml", HTTP_ACCEPT_ENCODING="gzip",
                      HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304

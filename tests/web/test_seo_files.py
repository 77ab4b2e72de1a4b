"""/sitemap.xml (urlset and index) and /robots.txt."""

import pytest
from django.conf import settings
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

"""Product pages, redirects, status codes and the language switcher."""

import json
from urllib.parse import quote

import pytest
from lxml import html

from .conftest import NAMES, make_document, page_url, queries_after_publish_and_cached, store, tombstone

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


def path(lang, slug):
    return f"/{lang}/p/{quote(slug, safe='')}/"


def parse(response):
    return html.fromstring(response.content.decode())


def json_ld(tree):
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


@pytest.mark.parametrize("lang", ["en", "hu", "ru"])
def test_product_page_renders_the_document(client, drill, lang):
    response = client.get(path(lang, NAMES[lang][1]))
    assert response.status_code == 200
    tree = parse(response)
    assert tree.get("lang") == lang
    assert tree.xpath("//h1")[0].text_content().strip() == NAMES[lang][0]
    assert len(tree.xpath("//h1")) == 1
    # attribute table shows the document's display value
    assert tree.xpath('//table[@class="attributes"]//tr[@data-code="voltage"]/td')[0].text == "18 V"
    # gallery: alt from the document, srcset from the renditions
    img = tree.xpath('//figure[@class="main-image"]/img')[0]
    assert img.get("alt") == f"{NAMES[lang][0]} photo"
    assert "http://media.test/media/DR-1-320.jpeg 320w" in img.get("srcset")
    assert "Kamppi" in tree.xpath('//ul[@class="stores"]/li')[0].text_content()


def test_store_line_in_english(client, drill):
    tree = parse(client.get(path("en", NAMES["en"][1])))
    assert tree.xpath('//ul[@class="stores"]/li')[0].text_content() == "In stock in the Kamppi store"


@pytest.mark.parametrize("lang", ["en", "fi", "hu", "ru", "bg"])
def test_json_ld_offer_equals_the_feed_document(client, drill, lang):
    document = drill[lang].document  # the feed serves this same snapshot document
    data = json_ld(parse(client.get(path(lang, NAMES[lang][1]))))
    assert data["@type"] == "Product"
    assert data["name"] == document["name"]
    assert data["sku"] == "DR-1"
    assert data["offers"]["price"] == document["price"]["amount"] == "129.00"
    assert data["offers"]["priceCurrency"] == document["price"]["currency"]
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["url"] == document["url"]


def test_json_ld_cannot_break_out_of_its_script(client, web):
    doc = make_document("X-1", "en", "Evil </script><script>alert(1)</script>", "evil")
    doc["short_description"] = doc["description"] = ""
    store(web, doc)
    response = client.get(path("en", "evil"))
    assert b"</script><script>alert" not in response.content
    assert json_ld(parse(response))["name"] == "Evil </script><script>alert(1)</script>"


def test_hreflang_canonical_and_open_graph(client, drill, web):
    tombstone(web, "DR-1", "bg")  # withdrawn in Bulgarian: no longer an alternate
    tree = parse(client.get(path("hu", NAMES["hu"][1])))
    links = {link.get("hreflang"): link.get("href") for link in tree.xpath('//link[@rel="alternate"]')}
    assert links == {
        "en": page_url("en", NAMES["en"][1]),
        "fi": page_url("fi", NAMES["fi"][1]),
        "hu": page_url("hu", NAMES["hu"][1]),
        "ru": page_url("ru", NAMES["ru"][1]),
        "x-default": page_url("en", NAMES["en"][1]),
    }
    assert all(href.startswith("http") for href in links.values())
    assert "%D0%B4" in links["ru"]  # Cyrillic slug percent-encoded
    assert tree.xpath('//link[@rel="canonical"]/@href') == [page_url("hu", NAMES["hu"][1])]
    og = {m.get("property"): m.get("content") for m in tree.xpath("//meta[@property]")}
    assert og["og:title"] == NAMES["hu"][0]
    assert og["og:locale"] == "hu_HU"
    assert og["product:price:amount"] == "129.00"


def test_language_switcher_points_to_translated_slugs(client, drill):
    tree = parse(client.get(path("hu", NAMES["hu"][1])))
    links = {a.get("data-lang"): a.get("href") for a in tree.xpath('//a[@class="language-link"]')}
    assert links == {lang: path(lang, NAMES[lang][1]) for lang in ("en", "fi", "ru", "bg")}
    for lang, href in links.items():
        assert client.get(href).status_code == 200


def test_unpublished_tombstoned_and_pending_give_localized_404(client, web, drill):
    tombstone(web, "DR-1", "fi")
    store(web, make_document("NEW-1", "en", "Draft thing", "draft-thing"), seq=False)  # not yet sequenced
    response = client.get(path("fi", NAMES["fi"][1]))
    assert response.status_code == 404
    assert parse(response).get("lang") == "fi"
    assert client.get(path("en", "draft-thing")).status_code == 404
    assert client.get(path("en", "no-such-product")).status_code == 404


def test_language_not_on_channel_is_404(client, web, drill):
    web.languages.filter(language_code="bg").delete()
    assert client.get(path("bg", NAMES["bg"][1])).status_code == 404
    assert client.get("/xx/").status_code == 404


def test_sku_and_other_language_slug_redirect_permanently(client, drill):
    response = client.get("/hu/p/DR-1/")
    assert response.status_code == 301
    assert response["Location"] == path("hu", NAMES["hu"][1])
    # the Finnish slug under /hu/ (a changed or mistyped address) → the Hungarian page
    response = client.get(path("hu", NAMES["fi"][1]))
    assert response.status_code == 301
    assert response["Location"] == path("hu", NAMES["hu"][1])


def test_sku_address_follows_a_changed_slug(client, web, drill):
    # /en/p/DR-1/ stays a stable address whatever the slug (the old slug's
    # redirect is recorded by a real publish: tests/web/test_moved_pages.py)
    store(web, make_document("DR-1", "en", "Cordless drill Pro", "cordless-drill-pro", price="129.00"))
    response = client.get("/en/p/DR-1/")
    assert response.status_code == 301 and response["Location"] == path("en", "cordless-drill-pro")


def test_discontinued_is_gone_or_redirects_to_replacement(client, web):
    store(web, make_document("OLD-1", "en", "Old drill", "old-drill", status="discontinued"))
    assert client.get(path("en", "old-drill")).status_code == 410
    store(web, make_document("OLD-2", "en", "Older drill", "older-drill", status="discontinued",
                             replacement={"sku": "DR-1", "url": page_url("en", "cordless-drill")}))
    response = client.get(path("en", "older-drill"))
    assert response.status_code == 301
    assert response["Location"] == page_url("en", "cordless-drill")


def test_cache_headers_and_conditional_get(client, drill):
    url = path("ru", NAMES["ru"][1])
    response = client.get(url)
    assert response["ETag"] and response["Last-Modified"]
    assert "max-age" in response["Cache-Control"]
    assert response["Content-Language"] == "ru"
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], HTTP_ACCEPT_LANGUAGE="fi")
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    # a new publish (new seq) changes the ETag
    store(drill["ru"].channel, drill["ru"].document)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_variant_picker_and_from_price(client, web):
    variants = [
        {"sku": "TS-S", "gtin": None, "axes": {"size": "S"}, "availability": "in_stock", "images": [],
         "price": {"amount": "9.90", "currency": "EUR", "includes_vat": True}},
        {"sku": "TS-M", "gtin": None, "axes": {"size": "M"}, "availability": "out_of_stock", "images": [],
         "price": {"amount": "11.90", "currency": "EUR", "includes_vat": True}},
    ]
    doc = make_document("TS", "en", "T-shirt", "t-shirt", variants=variants)
    doc["price"] = {"amount": "9.90", "currency": "EUR", "includes_vat": True, "from": True}
    store(web, doc)
    tree = parse(client.get(path("en", "t-shirt")))
    options = tree.xpath('//select[@id="variant"]/option')
    assert [o.get("value") for o in options] == ["TS-S", "TS-M"]
    assert "Out of stock" in options[1].text_content()
    assert tree.xpath('//p[@class="price"]')[0].text_content().startswith("from")
    assert json_ld(tree)["offers"]["price"] == "9.90"


def test_only_the_first_image_loads_eagerly(client, web):
    doc = make_document("G-1", "en", "Gallery drill", "gallery-drill")
    doc["images"] = [dict(doc["images"][0], url=f"http://media.test/media/g{i}.jpg", alt=f"View {i}")
                     for i in range(3)]
    store(web, doc)
    tree = parse(client.get(path("en", "gallery-drill")))
    main = tree.xpath('//figure[@class="main-image"]/img')
    assert len(main) == 1 and main[0].get("loading") is None
    thumbnails = tree.xpath('//ul[@class="thumbnails"]//img')
    assert [img.get("alt") for img in thumbnails] == ["View 1", "View 2"]
    assert all(img.get("loading") == "lazy" for img in thumbnails)
    # listing cards lie below the fold of a long page: lazy as well
    cards = parse(client.get("/en/c/drills/")).xpath('//li[@class="card"]//img')
    assert cards and all(img.get("loading") == "lazy" for img in cards)


def test_product_page_query_count_is_flat(client, web):
    def queries(count):
        for i in range(count):
            for lang in ("en", "hu", "ru"):
                store(web, make_document(f"N-{count}-{i}", lang, f"Drill {i}", f"drill-{count}-{i}-{lang}"))
        return queries_after_publish_and_cached(client, path("hu", f"drill-{count}-0-hu"))[0]

    few = queries(3)
    many = queries(40)
    # channel, languages, feed counter, (the URL map after a publish,) the
    # snapshot, its languages' versions, their documents
    assert few == many == [7, 6]

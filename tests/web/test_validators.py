"""ETag / Last-Modified / Cache-Control of product and listing pages, and hreflang on listings."""

from urllib.parse import quote

import pytest
from django.conf import settings
from lxml import html

from .conftest import NAMES, make_document, page_url, store, tombstone

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


def path(lang, slug):
    return f"/{lang}/p/{quote(slug, safe='')}/"


def links(response, xpath):
    tree = html.fromstring(response.content.decode())
    return {element.get("hreflang") or element.get("data-lang"): element.get("href") for element in tree.xpath(xpath)}


def test_product_validator_covers_the_other_languages(client, web, drill):
    """The English page shows the Hungarian link: a new Hungarian slug is a new English page."""
    url = path("en", NAMES["en"][1])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    store(web, make_document("DR-1", "hu", NAMES["hu"][0], "uj-furo-orseg", price="129.00"))
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert links(again, '//link[@rel="alternate"]')["hu"] == page_url("hu", "uj-furo-orseg")
    assert links(again, '//a[@class="language-link"]')["hu"] == path("hu", "uj-furo-orseg")

    # a language withdrawn, or dropped by the channel, changes the page too
    tombstone(web, "DR-1", "fi")
    third = client.get(url, HTTP_IF_NONE_MATCH=again["ETag"])
    assert third.status_code == 200 and "fi" not in links(third, '//link[@rel="alternate"]')
    web.languages.filter(language_code="bg").delete()
    fourth = client.get(url, HTTP_IF_NONE_MATCH=third["ETag"])
    assert fourth.status_code == 200 and "bg" not in links(fourth, '//a[@class="language-link"]')


def test_product_last_modified_is_the_latest_language(client, web, drill):
    url = path("en", NAMES["en"][1])
    before = client.get(url)["Last-Modified"]
    snapshot = store(web, make_document("DR-1", "ru", NAMES["ru"][0], NAMES["ru"][1], price="129.00"))
    type(snapshot).objects.filter(pk=snapshot.pk).update(updated_at=snapshot.updated_at.replace(year=2027))
    after = client.get(url)["Last-Modified"]
    assert after != before and "2027" in after


@pytest.mark.parametrize("address", ["/hu/", "/hu/c/drills/", "/hu/c/drills/?sort=price"])
def test_listings_answer_304_until_the_next_publish(client, web, drill, address):
    response = client.get(address)
    assert response.status_code == 200
    assert response["ETag"] and response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    assert client.get(address, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    # another language is another page
    other = client.get(address.replace("/hu/", "/fi/"))
    assert other["ETag"] != response["ETag"]

    store(web, make_document("NEW-1", "hu", "Új fúró", "uj-furo"))
    fresh = client.get(address, HTTP_IF_NONE_MATCH=response["ETag"])
    assert fresh.status_code == 200 and "Új fúró" in fresh.content.decode()


def test_unknown_category_404_has_no_validators(client, drill):
    response = client.get("/hu/c/nothing/")
    assert response.status_code == 404
    assert not response.has_header("ETag")


def test_home_lists_every_language_as_alternate(client, drill):
    alternates = links(client.get("/ru/"), '//link[@rel="alternate"]')
    base = settings.PIM_BASE_URL
    assert alternates == {**{code: f"{base}/{code}/" for code in NAMES}, "x-default": f"{base}/en/"}


def test_category_alternates_only_where_the_category_has_products(client, web, drill):
    saws = [{"code": "saws", "name": "Saws", "path": "Tools > Saws"}]
    store(web, make_document("SAW-1", "fi", "Saha", "saha", categories=saws))
    store(web, make_document("SAW-1", "hu", "Fűrész", "furesz", categories=saws))
    response = client.get("/hu/c/saws/")
    base = settings.PIM_BASE_URL
    assert links(response, '//link[@rel="alternate"]') == {
        "fi": f"{base}/fi/c/saws/", "hu": f"{base}/hu/c/saws/", "x-default": f"{base}/fi/c/saws/"}
    # the switcher leads to the same listing where it exists, else to the language's home
    assert links(response, '//a[@class="language-link"]') == {
        "en": "/en/", "fi": "/fi/c/saws/", "ru": "/ru/", "bg": "/bg/"}


def test_switching_language_on_the_search_page_keeps_the_query(client, web, drill):
    response = client.get("/hu/search/", {"q": "Őrség drill"})
    switcher = links(response, '//a[@class="language-link"]')
    assert switcher["en"] == "/en/search/?q=%C5%90rs%C3%A9g+drill"
    english = client.get(switcher["en"])
    assert html.fromstring(english.content.decode()).xpath('//input[@name="q"]/@value') == ["Őrség drill"]
    found = client.get("/en/search/?q=cordless")
    assert "/ru/search/?q=cordless" in links(found, '//a[@class="language-link"]').values()

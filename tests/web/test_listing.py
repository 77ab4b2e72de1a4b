"""Home, category listing (facets, sorting, pagination), search; constant queries."""

import pytest
from lxml import html

from .conftest import make_document, queries_after_publish_and_cached, store, tombstone

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


def names(response):
    tree = html.fromstring(response.content.decode())
    return [h.text_content().strip() for h in tree.xpath('//h3[@class="card-name"]')]


def colour(value):
    return [{"code": "colour", "label": "Colour", "value": value, "display": value}]


@pytest.fixture
def shelf(web):
    rows = [
        ("A-1", "Zebra saw", "30.00", "Red"),
        ("A-2", "Ábel hammer", "12.00", "Blue"),
        ("A-3", "Öljy pump", "55.00", "Red"),
        ("A-4", "Őz chisel", "8.50", "Blue"),
        ("A-5", "Жук drill", "99.00", "Red"),
    ]
    for sku, name, price, value in rows:
        store(web, make_document(sku, "hu", name, sku.lower(), price=price, attributes=colour(value)))
    store(web, make_document("A-6", "hu", "Gone file", "a-6", attributes=colour("Red")))
    tombstone(web, "A-6", "hu")
    return web


def test_listing_sorts_by_name_with_non_ascii_letters(client, shelf):
    response = client.get("/hu/c/drills/")
    assert response.status_code == 200
    assert names(response) == ["Ábel hammer", "Öljy pump", "Őz chisel", "Zebra saw", "Жук drill"]
    assert names(client.get("/hu/c/drills/?sort=-name"))[0] == "Жук drill"


def test_listing_sorts_by_price(client, shelf):
    assert names(client.get("/hu/c/drills/?sort=price")) == [
        "Őz chisel", "Ábel hammer", "Zebra saw", "Öljy pump", "Жук drill"]
    assert names(client.get("/hu/c/drills/?sort=-price"))[0] == "Жук drill"


def test_facets_filter_and_count(client, shelf):
    response = client.get("/hu/c/drills/?f=colour:Red")
    assert sorted(names(response)) == ["Zebra saw", "Öljy pump", "Жук drill"]
    tree = html.fromstring(response.content.decode())
    labels = [label.text_content().split() for label in tree.xpath('//aside[@class="facets"]//label')]
    assert ["Blue", "(2)"] in labels and ["Red", "(3)"] in labels  # tombstone not counted


def test_pagination(client, web, monkeypatch):
    monkeypatch.setattr("publishing.web.views.PAGE_SIZE", 2)
    for i in range(5):
        store(web, make_document(f"P-{i}", "en", f"Item {i}", f"item-{i}"))
    assert names(client.get("/en/c/drills/")) == ["Item 0", "Item 1"]
    page3 = client.get("/en/c/drills/?sort=name&page=3")
    assert names(page3) == ["Item 4"]
    assert b'href="?sort=name&amp;page=2"' in page3.content


def test_unknown_category_is_404(client, shelf):
    assert client.get("/hu/c/nothing/").status_code == 404


@pytest.mark.parametrize("query, expected", [
    ("őz", ["Őz chisel"]),
    ("ŐZ CHISEL", ["Őz chisel"]),
    ("жук", ["Жук drill"]),
    ("ÖLJY", ["Öljy pump"]),
    ("a-2", ["Ábel hammer"]),
    ("gone", []),
])
def test_search_folds_case_in_any_script(client, shelf, query, expected):
    response = client.get("/hu/search/", {"q": query})
    assert response.status_code == 200
    assert names(response) == expected


def test_home_lists_categories_and_products(client, shelf):
    tree = html.fromstring(client.get("/hu/").content.decode())
    assert tree.get("lang") == "hu"
    assert tree.xpath('//ul[@class="categories"]//a/@href') == ["/hu/c/drills/"]
    assert len(tree.xpath('//h3[@class="card-name"]')) == 5


def test_listing_query_count_is_flat(client, web):
    def queries(count):
        for i in range(count):
            store(web, make_document(f"Q-{count}-{i}", "fi", f"Tuote {i}", f"tuote-{count}-{i}"))
        return queries_after_publish_and_cached(client, "/fi/c/drills/")[0]

    few = queries(10)
    many = queries(40)  # 50 products now
    assert few == many
    # after a publish: channel, languages, feed counter, last change, the
    # documents, the categories' languages; then only the first three
    assert few == [6, 3]


def test_cached_index_follows_publishes(client, shelf):
    assert "Új fűrész" not in names(client.get("/hu/c/drills/"))  # index now cached
    store(shelf, make_document("A-9", "hu", "Új fűrész", "uj-fureszt"))
    assert "Új fűrész" in names(client.get("/hu/c/drills/"))
    assert client.get("/hu/p/uj-fureszt/").status_code == 200
    tombstone(shelf, "A-9", "hu")
    assert "Új fűrész" not in names(client.get("/hu/c/drills/"))
    assert client.get("/hu/p/uj-fureszt/").status_code == 404


def test_facets_with_non_ascii_option_values(client, web):
    for sku, value in [("F-1", "Őszi barna"), ("F-2", "Жёлтый"), ("F-3", "Őszi barna"), ("F-4", "Ökör vörös"),
                       ("F-5", "Olajzöld")]:
        store(web, make_document(sku, "hu", f"Termék {sku}", sku.lower(), attributes=colour(value)))
    tree = html.fromstring(client.get("/hu/c/drills/").content.decode())
    values = tree.xpath('//aside[@class="facets"]//input[@name="f"]/@value')
    # the reader's alphabet: o-words, then ö, then ő; Cyrillic after Latin
    assert values == ["colour:Olajzöld", "colour:Ökör vörös", "colour:Őszi barna", "colour:Жёлтый"]

    response = client.get("/hu/c/drills/", {"f": "colour:Őszi barna"})
    assert sorted(names(response)) == ["Termék F-1", "Termék F-3"]
    checked = html.fromstring(response.content.decode()).xpath('//input[@name="f"][@checked]/@value')
    assert checked == ["colour:Őszi barna"]
    assert names(client.get("/hu/c/drills/", {"f": ["colour:Жёлтый", "colour:Olajzöld"]})) == [
        "Termék F-2", "Termék F-5"]
    # re-sorting keeps the selection
    sort_form = html.fromstring(response.content.decode()).xpath('//form[@class="sort"]/input[@name="f"]/@value')
    assert sort_form == ["colour:Őszi barna"]


def test_search_query_count_is_flat(client, web):
    def queries(count):
        for i in range(count):
            store(web, make_document(f"S-{count}-{i}", "hu", f"Fúró {i} Ő", f"furo-{count}-{i}"))
        counts, response = queries_after_publish_and_cached(client, "/hu/search/", {"q": "fúró ő"})
        assert len(names(response)) == min(count, 24)  # one page of results
        return counts

    few = queries(5)
    many = queries(60)
    assert few == many == [4, 3]  # channel, languages, feed counter (+ the documents after a publish)

"""Names sort in the reader's alphabet: on the listing page and in the collation keys behind it."""

import pytest
from lxml import html

from publishing.web.collation import sort_key

from .conftest import make_document, store


def ordered(words, locale):
    return sorted(words, key=lambda word: sort_key(word, locale))


def test_finnish_sorts_a_ring_a_and_o_umlaut_after_z():
    assert ordered(["Öljy", "Zeta", "Äiti", "Åke", "Aarre", "Omena"], "fi") == [
        "Aarre", "Omena", "Zeta", "Åke", "Äiti", "Öljy"]


def test_hungarian_o_and_o_acute_before_o_umlaut_and_o_double_acute():
    # o = ó, then ö = ő as the next letter; cs is a letter after c
    assert ordered(["Őz", "Öböl", "Ózd", "Oszlop", "Zebra", "Olaj"], "hu") == [
        "Olaj", "Oszlop", "Ózd", "Öböl", "Őz", "Zebra"]
    assert ordered(["Csiga", "Cukor"], "hu") == ["Cukor", "Csiga"]
    # the same words in English: accents only break ties
    assert ordered(["Öböl", "Oszlop"], "en") == ["Öböl", "Oszlop"]


@pytest.mark.parametrize("locale", ["ru", "bg"])
def test_cyrillic_follows_its_alphabet_and_comes_first_for_its_readers(locale):
    words = ["Zebra", "Яблоко", "Ёж", "Еда", "Щука", "Ъгъл", "Apple"]
    assert ordered(words, locale) == ["Еда", "Ёж", "Щука", "Ъгъл", "Яблоко", "Apple", "Zebra"]
    assert ordered(words, "en")[:2] == ["Apple", "Zebra"]


def names(response):
    tree = html.fromstring(response.content.decode())
    return [h.text_content().strip() for h in tree.xpath('//h3[@class="card-name"]')]


@pytest.mark.django_db
@pytest.mark.urls("tests.web.urls")
def test_listing_sorts_in_the_pages_language(client, web):
    for sku, fi_name, ru_name in [("S-1", "Öljy", "Яблоко"), ("S-2", "Zeta", "Ёж"), ("S-3", "Äiti", "Еда"),
                                  ("S-4", "Aarre", "Apple")]:
        store(web, make_document(sku, "fi", fi_name, sku.lower()))
        store(web, make_document(sku, "ru", ru_name, sku.lower()))
    assert names(client.get("/fi/c/drills/")) == ["Aarre", "Zeta", "Äiti", "Öljy"]
    assert names(client.get("/fi/c/drills/?sort=-name")) == ["Öljy", "Äiti", "Zeta", "Aarre"]
    assert names(client.get("/ru/c/drills/")) == ["Еда", "Ёж", "Яблоко", "Apple"]

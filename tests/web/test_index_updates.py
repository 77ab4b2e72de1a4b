"""The per-process listing index, URL map and category languages follow publishes without rebuilding."""

import threading
import time
from types import SimpleNamespace

import pytest

from publishing.web import pages

from .conftest import make_document, store, tombstone

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


def category(code):
    return [{"code": code, "name": code.title(), "path": code.title()}]


@pytest.fixture
def parsed(monkeypatch):
    """The documents the listing index parses, by SKU."""
    seen = []
    original = pages._entry

    def counting(document, locale):
        seen.append(document["sku"])
        return original(document, locale)

    monkeypatch.setattr(pages, "_entry", counting)
    return seen


def rebuilt(channel, locale):
    """The index as a fresh process would build it."""
    pages.clear_cache()
    return [(e.document["sku"], e.document["name"]) for e in pages.index(channel, locale)]


def test_a_publish_parses_only_the_documents_it_stamped(web, parsed):
    for i in range(30):
        store(web, make_document(f"S-{i:02d}", "fi", f"Tuote {i}", f"tuote-{i}"))
    assert len(pages.index(web, "fi")) == 30
    assert len(parsed) == 30
    parsed.clear()

    store(web, make_document("S-05", "fi", "Uusi nimi", "uusi-nimi"))  # renamed
    store(web, make_document("S-99", "fi", "Uutuus", "uutuus"))  # new
    tombstone(web, "S-07", "fi")  # withdrawn
    store(web, make_document("S-08", "fi", "Poistuva", "tuote-8", status="discontinued"))
    entries = pages.index(web, "fi")

    assert sorted(parsed) == ["S-05", "S-99"]  # tombstones and discontinued ones are not parsed
    updated = [(e.document["sku"], e.document["name"]) for e in entries]
    assert ("S-05", "Uusi nimi") in updated and ("S-99", "Uutuus") in updated
    assert not {"S-07", "S-08"} & {sku for sku, _name in updated}
    assert updated == rebuilt(web, "fi")  # same entries, same (SKU) order


def test_the_url_map_follows_renames_and_withdrawals(client, web):
    store(web, make_document("U-1", "fi", "Saha", "saha"))
    store(web, make_document("U-2", "fi", "Vasara", "vasara"))
    assert client.get("/fi/p/saha/").status_code == 200  # map cached

    store(web, make_document("U-1", "fi", "Kirves", "kirves"))
    tombstone(web, "U-2", "fi")
    assert client.get("/fi/p/kirves/").status_code == 200
    assert client.get("/fi/p/vasara/").status_code == 404
    assert client.get("/fi/p/saha/").status_code == 404  # no catalog here to remember the old slug
    assert dict(pages.url_map(web, "fi")) == {pages.document_url("fi", "kirves"): "U-1"}


def test_category_languages_follow_publishes(web):
    store(web, make_document("C-1", "fi", "Saha", "saha", categories=category("saws")))
    store(web, make_document("C-2", "fi", "Saha 2", "saha-2", categories=category("saws")))
    assert pages.category_languages(web) == {"saws": {"fi"}}

    store(web, make_document("C-1", "hu", "Fűrész", "furesz", categories=category("saws")))
    store(web, make_document("C-2", "fi", "Saha 2", "saha-2", categories=category("axes")))
    assert pages.category_languages(web) == {"saws": {"fi", "hu"}, "axes": {"fi"}}

    tombstone(web, "C-1", "fi")
    store(web, make_document("C-1", "hu", "Fűrész", "furesz", categories=category("saws"), status="discontinued"))
    found = pages.category_languages(web)
    assert found == {"axes": {"fi"}}
    pages.clear_cache()
    assert pages.category_languages(web) == found


def test_threads_wait_for_one_build_instead_of_building_beside_it():
    channel = SimpleNamespace(pk=-1)
    builds = []
    start = threading.Barrier(4)

    def build():
        builds.append(1)
        time.sleep(0.2)
        return "built"

    def ask(out):
        start.wait()
        out.append(pages.cached("test", channel, None, build, current=("seq", 1)))

    answers = []
    threads = [threading.Thread(target=ask, args=(answers,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["built"] * 4
    assert len(builds) == 1


def test_a_listing_is_sorted_and_counted_once_per_index(client, web, monkeypatch):
    for i in range(12):
        store(web, make_document(f"L-{i:02d}", "fi", f"Tuote {i:02d}", f"tuote-{i}", price=f"{10 + i}.00"))
    calls = []
    for name in ("sort", "facets"):
        original = getattr(pages, name)
        monkeypatch.setattr(pages, name, lambda *args, _original=original, _name=name, **kwargs:
                            calls.append(_name) or _original(*args, **kwargs))

    first = client.get("/fi/c/drills/", {"sort": "-price"})
    assert client.get("/fi/c/drills/", {"sort": "-price", "page": 1}).content == first.content
    assert calls == ["sort", "facets"]  # the second view reused both
    client.get("/fi/c/drills/", {"sort": "price"})
    assert calls == ["sort", "facets", "sort"]  # another order: sorted, facets reused

    store(web, make_document("L-99", "fi", "Kallein", "kallein", price="999.00"))
    newest = client.get("/fi/c/drills/", {"sort": "-price"})
    assert calls[3:] == ["sort", "facets"]  # a new index starts without listings
    assert newest.content.decode().index("Kallein") < newest.content.decode().index("Tuote 11")


def test_a_warmed_process_serves_its_first_listing_from_the_index(client, web):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(5):
        for locale in ("fi", "ru"):
            store(web, make_document(f"W-{i}", locale, f"Tuote {i}", f"tuote-{locale}-{i}"))
    assert pages.warm() == ["en", "fi", "hu", "ru", "bg"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/fi/c/drills/").status_code == 200
    # channel, languages, feed counter: as a cached listing (a cold one reads the
    # documents, the last change and the categories' languages too: 6)
    assert len(captured) == 3


def test_the_wsgi_module_warms_only_when_asked(settings, monkeypatch):
    import importlib

    import pim.wsgi

    calls = []
    monkeypatch.setattr(pages, "warm", lambda: calls.append(1))
    settings.PIM_WARM_WEB_INDEX = False
    importlib.reload(pim.wsgi)
    assert calls == []
    settings.PIM_WARM_WEB_INDEX = True
    importlib.reload(pim.wsgi)
    assert calls == [1]

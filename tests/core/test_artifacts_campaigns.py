"""The artifact store, QR short links and formula-safe cells."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pim.cells import neutralise, restore
from publishing.artifacts import content_hash, find_artifact, latest_artifact, store_artifact
from publishing.campaigns import (
    campaign_query, device_class, ensure_short_links, find_link, record_scan, short_url,
)
from publishing.models import Artifact, Brochure, BrochureItem, Channel, ChannelLanguage, QrScan, ShortLink
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_content_hash_is_stable_and_order_free_for_dicts():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})
    assert content_hash(b"x", "y") != content_hash(b"xy")


def test_store_artifact_keeps_complete_files_and_reuses_identical_inputs():
    calls = []

    def writer(handle):
        calls.append(1)
        handle.write(b"%PDF-1.7 fake")

    first = store_artifact("catalog", "k1", writer, filename="catalog.pdf", locale="fi", format="pdf")
    again = store_artifact("catalog", "k1", writer, filename="catalog.pdf", locale="fi", format="pdf")
    assert first.pk == again.pk and len(calls) == 1
    assert first.size_bytes == 13
    with first.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 fake"
    assert find_artifact("catalog", "k1", locale="fi", format="pdf") == first


def test_a_failing_writer_leaves_the_previous_artifact_served():
    previous = store_artifact("catalog", "old", lambda h: h.write(b"old"), filename="c.pdf", locale="fi")

    def broken(handle):
        handle.write(b"half")
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        store_artifact("catalog", "new", broken, filename="c.pdf", locale="fi")
    assert Artifact.objects.count() == 1
    assert latest_artifact("catalog", locale="fi") == previous


def test_a_vanished_file_is_rendered_again():
    artifact = store_artifact("catalog", "k", lambda h: h.write(b"1"), filename="c.pdf")
    artifact.file.storage.delete(artifact.file.name)
    assert find_artifact("catalog", "k") is None
    again = store_artifact("catalog", "k", lambda h: h.write(b"2"), filename="c.pdf")
    assert Artifact.objects.count() == 1
    with again.file.open("rb") as handle:
        assert handle.read() == b"2"


@pytest.fixture
def brochure():
    channel = Channel.objects.create(code="print", name="Print", kind=Channel.Kind.PRINT)
    for lang in ("en", "fi", "ru"):
        ChannelLanguage.objects.create(channel=channel, language_code=lang)
    brochure = Brochure.objects.create(code="spring", channel=channel, languages=["fi", "ru"])
    brochure.set_current_language("fi")
    brochure.title = "Kevät"
    brochure.save()
    for position, sku in enumerate(["A-1", "B-2"]):
        BrochureItem.objects.create(brochure=brochure, product=make_product(sku=sku), position=position)
    return brochure


def test_short_links_one_per_product_and_language_and_stable(brochure, settings):
    settings.PIM_BASE_URL = "https://hub.example"
    links = ensure_short_links(brochure)
    assert set(links) == {("A-1", "fi"), ("A-1", "ru"), ("B-2", "fi"), ("B-2", "ru")}
    assert len({link.code for link in links.values()}) == 4
    again = ensure_short_links(brochure)
    assert {k: v.code for k, v in again.items()} == {k: v.code for k, v in links.items()}
    link = links[("A-1", "fi")]
    assert short_url(link) == f"https://hub.example/q/{link.code}"
    assert find_link(link.code.upper()) == link


def test_a_product_leaving_the_brochure_keeps_its_retired_code(brochure):
    links = ensure_short_links(brochure)
    code = links[("B-2", "fi")].code
    brochure.items.filter(product__sku="B-2").delete()
    assert set(ensure_short_links(brochure)) == {("A-1", "fi"), ("A-1", "ru")}
    retired = ShortLink.objects.get(code=code)
    assert retired.retired_at is not None
    BrochureItem.objects.create(brochure=brochure, product=retired_product(), position=5)
    back = ensure_short_links(brochure)[("B-2", "fi")]
    assert back.code == code and back.retired_at is None


def retired_product():
    from catalog.models import Product

    return Product.objects.get(sku="B-2")


def test_scan_is_recorded_without_personal_data(brochure):
    link = ensure_short_links(brochure)[("A-1", "ru")]
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    scan = record_scan(link, iphone)
    link.refresh_from_db()
    assert link.scan_count == 1
    assert (scan.brochure, scan.language_code, scan.device_class) == (brochure, "ru", "mobile")
    assert {f.name for f in QrScan._meta.get_fields()} == {
        "id", "short_link", "brochure", "language_code", "device_class", "scanned_at",
    }
    assert campaign_query(link) == "utm_source=brochure&utm_medium=qr&utm_campaign=spring"


@pytest.mark.parametrize(("agent", "expected"), [
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36", "mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "tablet"),
    ("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Safari/537.36", "tablet"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0", "desktop"),
    ("Googlebot/2.1 (+http://www.google.com/bot.html)", "bot"),
    ("", "other"),
])
def test_device_class(agent, expected):
    assert device_class(agent) == expected


@given(st.text())
def test_cells_round_trip_and_never_start_a_formula(value):
    cell = neutralise(value)
    assert restore(cell) == value
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

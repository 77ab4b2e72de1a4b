"""Publishing several channels at once builds a shared document once, and
only where the channels would build the same one."""

import pytest

from catalog.models import Attribute, Price
from publishing import documents
from publishing.documents import build_document, document_queryset, sharing_key
from publishing.models import ProductSnapshot, TextOverride
from publishing.services import publish_channels
from tests.factories import make_attribute, make_price_list, make_product, set_value

from .helpers import make_channel, make_complete_product, make_image

LANGUAGES = ("en", "fi")


@pytest.fixture
def channels():
    """Two identical channels and one per thing a document reads from its channel."""
    reseller = make_price_list("reseller", includes_vat=False)
    margin = make_attribute("margin", Attribute.Type.NUMBER)
    hidden = make_channel("hidden", languages=LANGUAGES)
    hidden.hidden_attributes.add(margin)
    return {
        "web": make_channel("web", languages=LANGUAGES),
        "app": make_channel("app", languages=LANGUAGES),
        "hidden": hidden,
        "strict": make_channel("strict", languages=LANGUAGES, no_fallback=("fi",)),
        "b2b": make_channel("b2b", languages=LANGUAGES, price_list=reseller),
        "override": make_channel("override", languages=LANGUAGES),
        "_margin": margin,
        "_reseller": reseller,
    }


def counting_builds(monkeypatch):
    calls = []

    def counted(product, channel, locale, **kwargs):
        calls.append((product.sku, channel.code, locale))
        return build_document(product, channel, locale, **kwargs)

    monkeypatch.setattr(documents, "build_document", counted)
    return calls


@pytest.mark.django_db
def test_each_channel_gets_exactly_the_document_built_for_it_alone(channels, committed, monkeypatch):
    margin, reseller = channels.pop("_margin"), channels.pop("_reseller")
    products = []
    with committed():  # the set-up's own on-commit work (nothing is published yet)
        for number in range(4):
            # The picture's text is English only (Finnish falls back, except on
            # strict), but for SH-3, which has it in both languages.
            names = {"en": f"Drill {number}", "fi": f"Pora {number}"}
            product = make_product(sku=f"SH-{number}", names=names, price="12.90")
            make_image(product, alt={"en": "A drill", "fi": "Porakone"} if number == 3 else {"en": "A drill"})
            set_value(product, margin, "12")
            Price.objects.create(price_list=reseller, product=product, amount="9.50")
            products.append(product)
        TextOverride.objects.create(product=products[0], channel=channels["override"], language_code="en",
                                    field="name", value="Drill, special offer")
    assert not ProductSnapshot.objects.exists()
    calls = counting_builds(monkeypatch)
    with committed():
        summaries = publish_channels(list(channels.values()))
    assert {code: summary["documents_written"] for code, summary in summaries.items()} == {
        "web": 8, "app": 8, "hidden": 8, "strict": 8, "b2b": 8, "override": 8,
    }

    loaded = {p.pk: p for p in document_queryset().filter(pk__in=[p.pk for p in products])}
    for snapshot in ProductSnapshot.objects.select_related("channel"):
        alone = build_document(loaded[snapshot.product_id], snapshot.channel, snapshot.locale)
        stored = {k: v for k, v in snapshot.document.items() if k != "updated_at"}
        assert stored == {k: v for k, v in alone.items() if k != "updated_at"}, snapshot

    # web and app share every document, override shares all but the one it overrides;
    # hidden, b2b and strict (Finnish without fallback) each build their own.
    shared = {(sku, locale) for sku, code, locale in calls if code in ("web", "app")}
    assert len(shared) == len([c for c in calls if c[1] in ("web", "app")]) == 8
    assert sorted(c for c in calls if c[1] == "override") == [("SH-0", "override", "en")]
    assert len([c for c in calls if c[1] == "hidden"]) == 8 and len([c for c in calls if c[1] == "b2b"]) == 8
    # strict lets English fall back as web does, and web's Finnish SH-3 fell back
    # nowhere: only the Finnish documents that fall back on web are strict's own.
    assert sorted(c[:2] for c in calls if c[1] == "strict" and c[2] == "fi") == [
        ("SH-0", "strict"), ("SH-1", "strict"), ("SH-2", "strict")]
    assert len(calls) == 8 + 1 + 8 + 8 + 3
    strict_fi = ProductSnapshot.objects.get(channel=channels["strict"], sku="SH-1", locale="fi").document
    web_fi = ProductSnapshot.objects.get(channel=channels["web"], sku="SH-1", locale="fi").document
    assert [i["alt"] for i in strict_fi["images"]] == [""] and [i["alt"] for i in web_fi["images"]] == ["A drill"]


@pytest.mark.django_db
def test_sharing_key_names_what_the_document_reads_from_the_channel(channels):
    margin = channels.pop("_margin")
    channels.pop("_reseller")
    product = make_complete_product(sku="KEY-1")
    TextOverride.objects.create(product=product, channel=channels["override"], language_code="fi",
                                field="name", value="Erikoisporakone")
    loaded = document_queryset().get(pk=product.pk)
    keys = {code: sharing_key(loaded, channel, "fi") for code, channel in channels.items()}
    assert keys["web"] == keys["app"]
    others = [keys[code] for code in ("web", "hidden", "strict", "b2b", "override")]
    assert len(set(others)) == len(others)
    assert margin.pk in keys["hidden"][0][3]

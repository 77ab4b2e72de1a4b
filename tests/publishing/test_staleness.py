"""The published copy never goes stale silently: edits of rows a document
shows (related products, price lists, categories, brands, labels, stores)
and turns of time (price list validity) reach the published snapshots
through the real publish path, on commit or from the periodic duty."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Attribute, Price, PriceList, Product, ProductRelation
from publishing.documents import product_url
from publishing.models import ProductSnapshot, Publication
from publishing.services import apply_publication_windows, publish, publish_channel
from tests.factories import make_attribute, make_brand, make_category, make_option, make_store, set_value

from .helpers import make_channel, make_complete_product

pytestmark = pytest.mark.django_db


def live(channel, sku, locale="fi"):
    return ProductSnapshot.objects.get(channel=channel, sku=sku, locale=locale)


def retranslate(obj, language, **fields):
    obj = type(obj).objects.get(pk=obj.pk)
    obj.set_current_language(language)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    return obj


# --- related and replacement products ------------------------------------------

def test_renaming_a_related_product_refreshes_the_documents_that_show_it(committed):
    channel = make_channel("web", languages=("en", "fi"))
    drill = make_complete_product(sku="DRILL", names={"en": "Drill", "fi": "Pora"})
    battery = make_complete_product(sku="BATT", names={"en": "Battery", "fi": "Akku"})
    make_complete_product(sku="OLD", names={"en": "Old drill", "fi": "Vanha pora"},
                          status=Product.Status.DISCONTINUED, replacement=battery)
    ProductRelation.objects.create(product=drill, related=battery, kind="accessory")
    with committed():
        publish_channel(channel)
    before, before_en = live(channel, "DRILL").seq, live(channel, "DRILL", "en").seq
    assert live(channel, "DRILL").document["relations"][0]["name"] == "Akku"

    with committed():
        retranslate(battery, "fi", name="Akku 18 V", slug="akku-18-v")

    drill_fi = live(channel, "DRILL")
    assert drill_fi.seq > before
    assert drill_fi.document["relations"] == [
        {"kind": "accessory", "sku": "BATT", "name": "Akku 18 V", "url": product_url("fi", "akku-18-v")},
    ]
    assert live(channel, "OLD").document["replacement"] == {"sku": "BATT", "url": product_url("fi", "akku-18-v")}
    # English showed nothing that changed: its cursor stays put.
    assert live(channel, "DRILL", "en").seq == before_en


def test_deleting_a_replacement_product_refreshes_the_product_it_replaced(committed):
    channel = make_channel("web", languages=("fi",))
    new = make_complete_product(sku="NEW", names={"fi": "Uusi"})
    make_complete_product(sku="OLD", names={"fi": "Vanha"}, status=Product.Status.DISCONTINUED, replacement=new)
    with committed():
        publish_channel(channel)
    assert live(channel, "OLD").document["replacement"]["sku"] == "NEW"
    with committed():
        new.delete()
    assert live(channel, "OLD").document["replacement"] is None
    assert live(channel, "NEW").deleted


# --- price lists -------------------------------------------------------------------

def test_price_list_vat_flag_and_currency_republish_the_channels_using_it(committed):
    channel = make_channel("web", languages=("en", "fi"))
    b2b = PriceList.objects.create(code="b2b", currency="EUR")
    other = make_channel("app", languages=("en",), price_list=b2b)
    drill = make_complete_product(sku="DRILL", names={"en": "Drill", "fi": "Pora"}, price="12.90")
    Price.objects.create(price_list=b2b, product=drill, amount=Decimal("10"))
    with committed():
        publish_channel(channel)
        publish_channel(other)
    app_seq = ProductSnapshot.objects.get(channel=other).seq

    price_list = PriceList.objects.get(pk=channel.price_list_id)
    with committed():
        price_list.includes_vat = False
        price_list.save()
    assert live(channel, "DRILL").document["price"] == {"amount": "12.90", "currency": "EUR", "includes_vat": False}

    with committed():
        price_list.currency = "SEK"
        price_list.save()
    for locale in ("en", "fi"):
        assert live(channel, "DRILL", locale).document["price"]["currency"] == "SEK"
    assert ProductSnapshot.objects.get(channel=other).seq == app_seq  # another list: untouched

    seq = live(channel, "DRILL").seq
    with committed():  # a new name is shown nowhere: nothing is republished
        retranslate(price_list, "en", name="Retail, renamed")
    assert live(channel, "DRILL").seq == seq


def test_price_list_validity_turning_republishes_on_time(committed):
    now = timezone.now()
    ends, starts = now + timedelta(days=1), now + timedelta(days=2)
    channel = make_channel("web", languages=("fi",), requires_complete=False)
    make_complete_product(sku="DRILL", names={"fi": "Pora"}, price="12.90")
    PriceList.objects.filter(pk=channel.price_list_id).update(valid_until=ends)
    with committed():
        publish_channel(channel)
    assert live(channel, "DRILL").document["price"]["amount"] == "12.90"
    assert apply_publication_windows(now=ends - timedelta(minutes=1)) == {}

    with committed():
        assert apply_publication_windows(now=ends + timedelta(minutes=1)) == {channel.code: {"published": 1}}
    assert live(channel, "DRILL").document["price"] is None  # the list has expired
    assert apply_publication_windows(now=ends + timedelta(minutes=2)) == {}

    with committed():  # a new season: the list opens again later
        price_list = PriceList.objects.get(pk=channel.price_list_id)
        price_list.valid_from, price_list.valid_until = starts, None
        price_list.save()
    assert live(channel, "DRILL").document["price"] is None  # not open yet
    with committed():
        assert apply_publication_windows(now=starts + timedelta(minutes=1)) == {channel.code: {"published": 1}}
    assert live(channel, "DRILL").document["price"]["amount"] == "12.90"


# --- the periodic duty acts on a turn once ---------------------------------------------

def test_a_window_that_opens_on_a_held_product_is_handled_once(committed):
    channel = make_channel("web", languages=("en",))
    product = make_complete_product()
    product.images.all().delete()  # incomplete: the gate holds it
    start = timezone.now() + timedelta(hours=1)
    with committed():
        Publication.objects.create(product=product, channel=channel, publish_from=start)
    with committed():
        assert apply_publication_windows(now=start + timedelta(minutes=1)) == {channel.code: {"held": 1}}
    publication = Publication.objects.get(product=product)
    assert "images" in publication.blocked_reason and publication.last_published_at is None
    assert publication.window_checked_at == start + timedelta(minutes=1)
    # The next minutes find nothing due (it used to be re-run every minute).
    for minutes in (2, 3, 60):
        assert apply_publication_windows(now=start + timedelta(minutes=minutes)) == {}
    assert not ProductSnapshot.objects.exists()


def test_a_window_that_closed_before_it_was_ever_published_is_handled_once(committed):
    channel = make_channel("web", languages=("en",))
    product = make_complete_product()
    now = timezone.now()
    with committed():
        Publication.objects.create(product=product, channel=channel, publish_from=now - timedelta(days=2),
                                   publish_until=now - timedelta(days=1))
    assert not ProductSnapshot.objects.exists()
    with committed():
        apply_publication_windows(now=now)
    assert Publication.objects.get(product=product).window_checked_at == now
    assert apply_publication_windows(now=now + timedelta(minutes=1)) == {}


def test_a_sale_starting_on_a_held_product_is_handled_once(committed):
    channel = make_channel("web", languages=("en",))
    product = make_complete_product(names={"en": "Drill"}, price="20")
    with committed():
        publish(product, channel)
    sale = timezone.now() + timedelta(days=1)
    with committed():
        Price.objects.create(price_list=channel.price_list, product=product, amount=Decimal("15"), valid_from=sale)
        product.images.all().delete()  # now incomplete: held, the last snapshot stays
    assert "images" in Publication.objects.get(product=product).blocked_reason
    with committed():
        assert apply_publication_windows(now=sale + timedelta(minutes=1)) == {channel.code: {"held": 1}}
    assert apply_publication_windows(now=sale + timedelta(minutes=2)) == {}
    assert "sale" not in live(channel, product.sku, "en").document["price"]


# --- shared rows: categories, brands, labels, options, stores ------------------------

@pytest.fixture
def shown(committed):
    """A product published in Finnish that shows a category, a brand, an
    attribute with a translated label, a select option and a store."""
    channel = make_channel("web", languages=("fi",))
    category = make_category("drills", names={"fi": "Porakoneet"})
    colour = make_attribute("colour", Attribute.Type.SELECT, labels={"fi": "Väri"})
    red = make_option(colour, "red", {"fi": "Punainen"})
    store = make_store("kamppi", names={"fi": "Kampin myymälä"})
    product = make_complete_product(sku="DRILL", names={"fi": "Pora"}, categories=[category],
                                    brand=make_brand(name="Nordtool"), stock={store: 3})
    set_value(product, colour, red)
    with committed():
        publish(product, channel)
    return {"channel": channel, "category": category, "colour": colour, "red": red, "store": store,
            "product": product}


def resave(obj, **fields):
    """Change language-neutral fields of a fresh copy of ``obj`` and save it."""
    obj = type(obj).objects.get(pk=obj.pk)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


@pytest.mark.parametrize("edit, shows", [
    (lambda rows: retranslate(rows["category"], "fi", name="Akkuporakoneet"),
     lambda d: d["categories"][0]["name"] == "Akkuporakoneet"),
    (lambda rows: resave(rows["category"], google_product_category="1167"),
     lambda d: d["categories"][0].get("google_product_category") == "1167"),
    (lambda rows: resave(rows["product"].brand, name="Nordtool Pro"), lambda d: d["brand"] == "Nordtool Pro"),
    (lambda rows: retranslate(rows["colour"], "fi", label="Sävy"), lambda d: d["attributes"][0]["label"] == "Sävy"),
    (lambda rows: retranslate(rows["red"], "fi", label="Tulipunainen"),
     lambda d: d["attributes"][0]["display"] == "Tulipunainen"),
    (lambda rows: resave(rows["red"], code="crimson"), lambda d: d["attributes"][0]["value"] == "crimson"),
    (lambda rows: retranslate(rows["store"], "fi", name="Kampin tavaratalo"),
     lambda d: d["stores"][0]["name"] == "Kampin tavaratalo"),
    (lambda rows: rows["category"].delete(), lambda d: d["categories"] == []),
], ids=["category renamed", "category mapped", "brand renamed", "attribute relabelled", "option relabelled",
        "option recoded", "store renamed", "category deleted"])
def test_edits_of_shared_rows_reach_the_published_document(shown, committed, edit, shows):
    before = live(shown["channel"], "DRILL")
    assert not shows(before.document)
    with committed():
        edit(shown)
    after = live(shown["channel"], "DRILL")
    assert shows(after.document), after.document
    assert after.seq > before.seq


def test_a_large_edit_refreshes_only_the_edited_products_on_the_worker(committed, monkeypatch):
    from publishing import signals
    from publishing.models import Completeness, Job

    monkeypatch.setattr(signals, "INLINE_LIMIT", 2)
    channel = make_channel("web", languages=("fi",))
    edited = [make_complete_product(names={"fi": f"Pora {i}"}) for i in range(3)]
    untouched = make_complete_product(names={"fi": "Saha"})
    with committed():
        publish_channel(channel)
    Completeness.objects.filter(product=untouched).delete()  # a full refresh would write it again
    Job.objects.all().delete()
    with committed():
        for i, product in enumerate(edited):
            retranslate(product, "fi", name=f"Porakone {i}")
    job = Job.objects.get()
    assert job.kind == "refresh_products" and job.status == Job.Status.SUCCEEDED, job.log
    assert sorted(job.params["products"]) == sorted(p.pk for p in edited)
    assert [live(channel, p.sku).document["name"] for p in edited] == [f"Porakone {i}" for i in range(3)]
    assert not Completeness.objects.filter(product=untouched).exists()


def test_an_option_label_in_a_new_language_reaches_the_document(committed):
    channel = make_channel("web", languages=("fi",))
    colour = make_attribute("colour", Attribute.Type.SELECT, labels={"fi": "Väri"})
    red = make_option(colour, "red", {"en": "Red"})  # no Finnish label yet: shown as the English one
    product = make_complete_product(sku="DRILL", names={"fi": "Pora"})
    set_value(product, colour, red)
    with committed():
        publish(product, channel)
    assert live(channel, "DRILL").document["attributes"][0]["display"] == "Red"
    with committed():  # a new translation row alone, as a translation import writes it
        type(red)._parler_meta.root_model.objects.create(master=red, language_code="fi", label="Punainen")
    assert live(channel, "DRILL").document["attributes"][0]["display"] == "Punainen"

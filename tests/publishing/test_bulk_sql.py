"""pim.bulk_sql: rows written by executemany read back as the ORM wrote them; upserts update."""

from datetime import datetime, timezone

import pytest

from pim.bulk_sql import insert_rows
from publishing.models import Completeness
from tests.factories import make_product

from .helpers import make_channel

FIELDS = ["product", "channel", "language_code", "score", "missing", "computed_at"]
KEY = ["product", "channel", "language_code"]


def stored(channel):
    return sorted(Completeness.objects.filter(channel=channel).values_list(
        "product_id", "language_code", "score", "missing", "computed_at"))


@pytest.mark.django_db
def test_rows_read_back_as_the_orm_writes_them():
    orm, raw = make_channel("orm"), make_channel("raw")
    product = make_product()
    when = datetime(2026, 12, 2, 10, 30, 15, 123456, tzinfo=timezone.utc)
    missing = ["name", "attr:näyttö", {"nested": ["Ж", 1.5, None]}]
    Completeness.objects.create(product=product, channel=orm, language_code="fi", score=42, missing=missing)
    Completeness.objects.filter(channel=orm).update(computed_at=when)  # auto_now sets its own on create
    assert insert_rows(Completeness, FIELDS, [(product.pk, raw.pk, "fi", 42, missing, when)]) == 1
    assert [row[1:] for row in stored(raw)] == [row[1:] for row in stored(orm)]
    assert stored(raw)[0][3] == missing and stored(raw)[0][4] == when


@pytest.mark.django_db
def test_an_upsert_updates_the_colliding_row_and_inserts_the_others():
    channel = make_channel("web")
    first, second = make_product(), make_product()
    early = datetime(2026, 1, 1, tzinfo=timezone.utc)
    later = datetime(2026, 6, 1, tzinfo=timezone.utc)
    insert_rows(Completeness, FIELDS, [(first.pk, channel.pk, "en", 10, ["price"], early)])
    insert_rows(Completeness, FIELDS, [
        (first.pk, channel.pk, "en", 100, [], later),
        (second.pk, channel.pk, "en", 50, ["images"], later),
    ], unique=KEY, update=["score", "missing", "computed_at"])
    assert stored(channel) == sorted([
        (first.pk, "en", 100, [], later),
        (second.pk, "en", 50, ["images"], later),
    ])
    assert Completeness.objects.count() == 2


@pytest.mark.django_db
def test_without_an_upsert_a_collision_is_refused():
    from django.db import IntegrityError, transaction

    channel = make_channel("web")
    product = make_product()
    row = (product.pk, channel.pk, "en", 10, [], datetime(2026, 1, 1, tzinfo=timezone.utc))
    insert_rows(Completeness, FIELDS, [row])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Completeness, FIELDS, [row])


@pytest.mark.django_db
def test_update_rows_writes_what_bulk_update_writes():
    from decimal import Decimal

    from catalog.models import Price, Product
    from pim.bulk_sql import update_rows
    from tests.factories import make_brand, make_price_list

    retail = make_price_list()
    brand = make_brand("nordtool")
    ours, theirs = make_product(brand=brand), make_product(brand=brand)
    prices = [Price.objects.create(price_list=retail, product=p, amount=Decimal("1.00")) for p in (ours, theirs)]
    when = datetime(2026, 12, 2, 9, 0, 1, 250000, tzinfo=timezone.utc)
    for product in (ours, theirs):
        product.gtin, product.brand, product.status, product.updated_at = "", None, "draft", when
    for price in prices:
        price.amount, price.valid_from = Decimal("1234.50"), when
    assert update_rows([ours], ["gtin", "brand", "status", "updated_at"]) == 1
    Product.objects.bulk_update([theirs], ["gtin", "brand", "status", "updated_at"])
    update_rows(prices[:1], ["amount", "valid_from"])
    Price.objects.bulk_update(prices[1:], ["amount", "valid_from"])

    def read(model, obj, fields):
        return model.objects.filter(pk=obj.pk).values_list(*fields).get()

    fields = ["gtin", "brand", "status", "updated_at"]
    assert read(Product, ours, fields) == read(Product, theirs, fields) == ("", None, "draft", when)
    assert read(Price, prices[0], ["amount", "valid_from"]) == read(Price, prices[1], ["amount", "valid_from"]) \
        == (Decimal("1234.50"), when)
    assert update_rows([], ["gtin"]) == 0

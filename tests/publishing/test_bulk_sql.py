"""publishing.bulk_sql: rows written by executemany read back as the ORM wrote them; upserts update."""

from datetime import datetime, timezone

import pytest

from publishing.bulk_sql import insert_rows
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

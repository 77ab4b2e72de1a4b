from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Price, Product
from publishing import events
from publishing.models import ChannelSequence, ProductSnapshot, Publication
from publishing.sequencing import prune_tombstones, stamp_pending
from publishing.services import (
    PublishRefused, apply_publication_windows, publish, publish_channel, publish_due, unpublish,
)
from tests.factories import make_category, make_product

from .helpers import make_channel, make_complete_product, make_image


def snapshots(channel, sku=None):
    rows = ProductSnapshot.objects.filter(channel=channel)
    if sku:
        rows = rows.filter(sku=sku)
    return {s.locale: s for s in rows}


def rename(product, language, name):
    product = Product.objects.get(pk=product.pk)
    product.set_current_language(language)
    product.name = name
    product.save()
    return product


@pytest.mark.django_db
def test_publish_writes_one_stamped_snapshot_per_language(committed):
    channel = make_channel("web", languages=("en", "fi"))
    product = make_complete_product(sku="DRILL-1", names={"en": "Drill", "fi": "Pora"})
    stamped = []
    events.snapshots_stamped.connect(lambda sender, snapshots, **kw: stamped.extend(snapshots), weak=False,
                                     dispatch_uid="test-stamped")
    try:
        with committed():
            outcome = publish(product, channel)
            # written but not numbered before the commit: invisible to cursors
            assert all(s.pending and s.seq is None for s in snapshots(channel).values())
    finally:
        events.snapshots_stamped.disconnect(dispatch_uid="test-stamped")
    assert outcome.state == "published" and sorted(outcome.written) == ["en", "fi"]
    rows = snapshots(channel)
    assert sorted(s.seq for s in rows.values()) == [1, 2]
    assert not any(s.pending for s in rows.values())
    assert rows["fi"].document["name"] == "Pora" and rows["fi"].document["updated_at"]
    assert ChannelSequence.objects.get(channel=channel).last_seq == 2
    assert sorted(s.seq for s in stamped) == [1, 2]
    publication = Publication.objects.get(product=product, channel=channel)
    assert publication.is_published and publication.last_published_at and not publication.blocked_reason


@pytest.mark.django_db
def test_incomplete_product_is_refused_with_exactly_what_is_missing(committed):
    channel = make_channel("web", languages=("en", "fi"))
    product = make_product(sku="BARE", names={"en": "Drill"})  # no image, no price
    with pytest.raises(PublishRefused) as refused:
        publish(product, channel)
    assert refused.value.missing == {"en": ["images", "price"], "fi": ["images", "price"]}
    assert "fi: images, price in the channel's price list" in str(refused.value)
    assert not ProductSnapshot.objects.exists()
    assert not Publication.objects.filter(product=product).exists()


@pytest.mark.django_db
def test_a_channel_without_the_completeness_rule_publishes_incomplete_products(committed):
    channel = make_channel("print", languages=("en",), requires_complete=False)
    product = make_product(names={"en": "Drill"})
    with committed():
        assert publish(product, channel).state == "published"
    assert snapshots(channel)["en"].document["price"] is None


@pytest.mark.django_db
def test_language_without_fallback_is_withheld_alone(committed):
    channel = make_channel("web", languages=("en", "fi", "hu"), no_fallback=("hu",))
    product = make_complete_product(names={"en": "Drill", "fi": "Pora"})
    with committed():
        outcome = publish(product, channel)
    assert sorted(outcome.written) == ["en", "fi"]
    assert outcome.withheld == {"hu": ["name", "short_description", "description"]}
    assert set(snapshots(channel)) == {"en", "fi"}
    assert "hu" in Publication.objects.get(product=product).blocked_reason
    with committed():
        rename(product, "hu", "Fúró")
        from catalog.models import Product as P

        p = P.objects.get(pk=product.pk)
        p.set_current_language("hu")
        p.short_description, p.description = "<p>Fúró</p>", "<p>Fúró leírás</p>"
        p.slug = "furo"
        p.save()
    assert snapshots(channel)["hu"].document["name"] == "Fúró"
    assert Publication.objects.get(product=product).blocked_reason == ""


@pytest.mark.django_db
def test_unchanged_publish_keeps_the_cursor_and_an_edit_moves_it(committed):
    channel = make_channel("web", languages=("en", "fi"))
    product = make_complete_product(names={"en": "Drill", "fi": "Pora"})
    with committed():
        publish(product, channel)
    before = {k: (s.seq, s.version, s.updated_at) for k, s in snapshots(channel).items()}
    with committed():
        assert publish(product, channel).state == "unchanged"
        publish_channel(channel)
    assert {k: (s.seq, s.version, s.updated_at) for k, s in snapshots(channel).items()} == before
    assert ChannelSequence.objects.get(channel=channel).last_seq == 2
    with committed():  # a truth edit republishes what is published, on commit
        rename(product, "fi", "Porakone")
    after = snapshots(channel)
    assert after["fi"].document["name"] == "Porakone"
    assert after["fi"].seq == 3 and after["fi"].version == 2
    assert after["en"].seq == before["en"][0]  # English did not change


@pytest.mark.django_db
def test_drafts_never_reach_an_approval_channel_while_the_approved_snapshot_stays(committed):
    channel = make_channel("app", languages=("en",), requires_approval=True)
    draft = make_complete_product(names={"en": "New drill"}, review_state=Product.ReviewState.DRAFT)
    with committed():
        outcome = publish(draft, channel)
    assert outcome.state == "held" and not snapshots(channel)
    assert "approval" in Publication.objects.get(product=draft).blocked_reason
    with committed():
        Product.objects.filter(pk=draft.pk).update(review_state=Product.ReviewState.APPROVED)
        Product.objects.get(pk=draft.pk).save()
    assert snapshots(channel)["en"].document["name"] == "New drill"
    with committed():  # an edit goes back to review: the approved text stays on the channel
        product = rename(draft, "en", "Renamed drill")
        Product.objects.filter(pk=product.pk).update(review_state=Product.ReviewState.IN_REVIEW)
        Product.objects.get(pk=product.pk).save()
    assert snapshots(channel)["en"].document["name"] == "New drill"
    assert Publication.objects.get(product=draft).blocked_reason
    with committed():
        Product.objects.filter(pk=draft.pk).update(review_state=Product.ReviewState.APPROVED)
        Product.objects.get(pk=draft.pk).save()
    assert snapshots(channel)["en"].document["name"] == "Renamed drill"


@pytest.mark.django_db
def test_a_published_product_that_becomes_incomplete_keeps_its_snapshot_and_is_flagged(committed):
    channel = make_channel("web", languages=("en",))
    product = make_complete_product(names={"en": "Drill"})
    with committed():
        publish(product, channel)
    seq = snapshots(channel)["en"].seq
    with committed():
        Price.objects.filter(product=product).delete()
    assert snapshots(channel)["en"].seq == seq
    assert snapshots(channel)["en"].document["price"]["amount"] == "12.90"
    publication = Publication.objects.get(product=product)
    assert "price" in publication.blocked_reason
    with pytest.raises(PublishRefused):
        publish(product, channel)
    with committed():
        Price.objects.create(price_list=channel.price_list, product=product, amount=Decimal("11"))
    assert snapshots(channel)["en"].document["price"]["amount"] == "11.00"
    assert Publication.objects.get(product=product).blocked_reason == ""


@pytest.mark.django_db
def test_unpublish_and_delete_write_tombstones(committed):
    channel = make_channel("web", languages=("en", "fi"))
    kept = make_complete_product(sku="KEEP", names={"en": "Keep", "fi": "Pidä"})
    gone = make_complete_product(sku="GONE", names={"en": "Gone", "fi": "Poissa"})
    with committed():
        publish_channel(channel)
    with committed():
        outcome = unpublish(kept, channel)
    assert sorted(outcome.tombstoned) == ["en", "fi"]
    tomb = snapshots(channel, "KEEP")["fi"]
    assert tomb.deleted and tomb.seq > 2
    assert tomb.document == {"sku": "KEEP", "deleted": True, "locale": "fi", "updated_at": tomb.document["updated_at"]}
    assert not Publication.objects.get(product=kept).is_published
    with committed():  # an explicit withdrawal survives a channel-wide publish
        assert publish_channel(channel)["skipped"] == 1
    assert snapshots(channel, "KEEP")["fi"].deleted
    with committed():
        gone.delete()
    rows = snapshots(channel, "GONE")
    assert all(s.deleted and s.product_id is None and s.sku == "GONE" for s in rows.values())
    assert len({s.seq for s in rows.values()}) == 2


@pytest.mark.django_db
def test_leaving_the_assortment_writes_tombstones(committed):
    tools, garden = make_category("tools"), make_category("garden")
    channel = make_channel("web", languages=("en",))
    channel.categories.add(tools)
    product = make_complete_product(categories=[tools])
    outsider = make_complete_product(categories=[garden])
    with committed():
        summary = publish_channel(channel)
    assert summary["published"] == 1 and set(s.sku for s in ProductSnapshot.objects.all()) == {product.sku}
    with pytest.raises(PublishRefused, match="assortment"):
        publish(outsider, channel)
    with committed():
        product.categories.set([garden])
    assert snapshots(channel, product.sku)["en"].deleted


@pytest.mark.django_db
def test_publication_window_takes_effect_on_time(committed):
    channel = make_channel("web", languages=("en",))
    product = make_complete_product()
    start = timezone.now() + timedelta(days=1)
    end = start + timedelta(days=7)
    with committed():
        Publication.objects.create(product=product, channel=channel, publish_from=start, publish_until=end)
    assert not snapshots(channel)
    with committed():
        assert apply_publication_windows(now=start - timedelta(minutes=1)) == {}
    assert not snapshots(channel)
    with committed():
        result = apply_publication_windows(now=start + timedelta(minutes=1))
    assert result == {channel.code: {"published": 1}}
    assert not snapshots(channel)["en"].deleted
    with committed():
        assert apply_publication_windows(now=start + timedelta(minutes=2)) == {}
    with committed():
        apply_publication_windows(now=end + timedelta(minutes=1))
    assert snapshots(channel)["en"].deleted


@pytest.mark.django_db
def test_publish_channel_summary_and_due_republish(committed):
    channel = make_channel("web", languages=("en", "fi"))
    complete = [make_complete_product(names={"en": f"P{i}", "fi": f"T{i}"}) for i in range(3)]
    make_product(sku="HALF", names={"en": "Half"})
    with committed():
        summary = publish_channel(channel)
    assert summary["published"] == 3 and summary["refused"] == 1 and summary["documents_written"] == 6
    assert "HALF" in summary["refusals"] and "images" in summary["refusals"]["HALF"]
    with committed():  # the edit bypassed the signals: publish_due catches up
        from catalog.models.products import Product as P

        P._parler_meta.root_model.objects.filter(master=complete[0], language_code="fi").update(name="Uusi")
        result = publish_due([channel])
    assert result[channel.code]["published"] == 1 and result[channel.code]["documents_written"] == 1
    assert snapshots(channel, complete[0].sku)["fi"].document["name"] == "Uusi"
    with committed():
        result = publish_due(skus=[complete[1].sku])
    assert result[channel.code]["unchanged"] == 1


@pytest.mark.django_db
def test_stamp_sweep_and_tombstone_pruning(committed, settings):
    settings.PIM_TOMBSTONE_RETENTION_DAYS = 30
    channel = make_channel("web", languages=("en",))
    product = make_complete_product()
    publish(product, channel)  # on-commit work not run: rows stay pending
    assert ProductSnapshot.objects.get().seq is None
    assert stamp_pending() == 1  # the scheduler's sweep
    with committed():
        unpublish(product, channel)
    tomb = ProductSnapshot.objects.get()
    assert tomb.deleted and tomb.seq == 2
    assert prune_tombstones(now=timezone.now() + timedelta(days=29)) == 0
    assert prune_tombstones(now=timezone.now() + timedelta(days=31)) == 1
    assert ChannelSequence.objects.get(channel=channel).horizon == 2
    assert not ProductSnapshot.objects.exists()


@pytest.mark.parametrize("days, refused", [("29", True), ("30", False), ("90", False)])
def test_tombstone_retention_below_the_contract_refuses_to_start(days, refused):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "PIM_TOMBSTONE_RETENTION_DAYS": days, "PIM_SECRET_KEY": "retention-test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert (result.returncode != 0) is refused, result.stderr
    if refused:
        assert result.stderr.strip().splitlines()[-1] == (
            "ValueError: PIM_TOMBSTONE_RETENTION_DAYS must be at least 30 (the feed keeps tombstones that long), "
            "not 29"
        )


@pytest.mark.django_db
def test_narrowing_a_channel_assortment_withdraws_the_leavers(committed):
    tools, garden = make_category("tools"), make_category("garden")
    channel = make_channel("web", languages=("en",))
    drill = make_complete_product(categories=[tools])
    rake = make_complete_product(categories=[garden])
    with committed():
        publish_channel(channel)
    assert ProductSnapshot.objects.filter(channel=channel, deleted=False).count() == 2
    with committed():  # the channel now carries tools only: a background refresh withdraws the rake
        channel.categories.add(tools)
    assert snapshots(channel, rake.sku)["en"].deleted
    assert not snapshots(channel, drill.sku)["en"].deleted
    assert "assortment" in Publication.objects.get(product=rake).blocked_reason
    with committed():
        result = publish_due([channel])
    assert result[channel.code]["withdrawn"] == 0 and result[channel.code]["documents_written"] == 0

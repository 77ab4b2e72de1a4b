"""The demo plan is a pure function of seed and index, and two loads with one
seed store the same catalog and documents; bad input and a non-empty catalog
are refused; --append adds to an existing catalog."""

import pytest
from django.core.management import CommandError, call_command
from stdnum import ean

from catalog.demo.gtin import check_digit, gtin13
from catalog.demo.plan import Planner
from catalog.models import Product
from publishing.models import Brochure, Channel, ProductSnapshot


def summary(plan):
    return (plan.sku, plan.gtin, plan.names, plan.slugs, plan.price, plan.stock,
            [(v.sku, v.gtin, v.price) for v in plan.variants], plan.attributes)


def test_same_seed_same_products_whatever_the_size():
    small, large = Planner(7, 60), Planner(7, 100_000)
    for index in range(40):
        assert summary(small.plan(index)) == summary(large.plan(index))
    again = Planner(7, 60)
    assert [summary(again.plan(i)) for i in range(10)] == [summary(small.plan(i)) for i in range(10)]


def test_another_seed_another_catalog():
    one, other = Planner(1, 60), Planner(2, 60)
    assert [one.plan(i).names["fi"] for i in range(20)] != [other.plan(i).names["fi"] for i in range(20)]


def test_gtin13_check_digit():
    assert check_digit("400638133393") == "1"  # a published EAN-13: 4006381333931
    numbers = [gtin13(serial) for serial in (0, 7, 123_456, 99_999_999)]
    assert all(len(n) == 13 and ean.is_valid(n) for n in numbers)
    with pytest.raises(ValueError):
        gtin13(10 ** 8)


def test_relations_point_to_existing_products():
    planner = Planner(3, 25)
    skus = {planner.sku_of(i) for i in range(25)}
    for index in range(25):
        plan = planner.plan(index)
        assert all(sku in skus and sku != plan.sku for _kind, sku in plan.relations)


@pytest.mark.parametrize("args, message", [
    (["--products", "0"], "between 1 and 100000"),
    (["--products", "100001"], "between 1 and 100000"),
    (["--seed", "-1"], "seed"),
])
def test_bad_input_is_refused_with_one_line(db, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("load_demo_catalog", *args)
    assert "\n" not in str(error.value)
    assert not Product.objects.exists()


def test_append_adds_products_after_the_existing_ones(db):
    call_command("load_demo_catalog", "--products", "4", "--seed", "5", verbosity=0)
    assert Product.objects.count() == 4
    call_command("load_demo_catalog", "--products", "3", "--seed", "5", "--append", verbosity=0)
    planner = Planner(5, 7)
    assert set(Product.objects.values_list("sku", flat=True)) == {planner.sku_of(i) for i in range(7)}
    assert Channel.objects.count() == 4 and Brochure.objects.count() == 1
    live = ProductSnapshot.objects.filter(channel__code="app", deleted=False, locale="en")
    assert live.count() == sum(1 for i in range(7) if planner.incomplete_kind(i) != "attribute")


def test_descriptions_are_sanitised_as_a_whole_text_would_be():
    from catalog.demo.write import description_html
    from catalog.richtext import sanitize_html

    planner = Planner(11, 200)
    for index in range(0, 200, 7):
        plan = planner.plan(index)
        for language in ("en", "hu", "bg"):
            expected = sanitize_html(plan.description(language))
            assert description_html(plan, language) == expected
    assert any("&amp;" in description_html(planner.plan(i), "en") for i in range(40))  # "Kertész & Fia"


def _dump():
    """The loaded catalog by natural keys (never row ids, which a database
    may hand out differently), without the load's own clock readings."""
    from catalog.models import AttributeValue, ImageFile, Price, ProductImage, ProductRelation, Stock

    translations = Product._parler_meta.root_model.objects.values_list(
        "master__sku", "language_code", "name", "slug", "short_description", "description", "marketing_claims")
    values = {}
    for value in AttributeValue.objects.select_related("attribute", "option").prefetch_related("options"):
        values[(value.product.sku, value.attribute.code, value.language_code)] = (
            value.value_text, value.value_number, value.value_bool, value.value_date,
            value.option.code if value.option else None, sorted(o.code for o in value.options.all()))
    images = {}
    for image in ProductImage.objects.select_related("product", "variant", "image_file").prefetch_related(
            "translations"):
        images[(image.product.sku, image.variant.sku if image.variant else "", image.position)] = (
            image.role, image.image_file.sha256, sorted((t.language_code, t.alt) for t in image.translations.all()))
    documents = {}
    for snap in ProductSnapshot.objects.select_related("channel"):
        document = {key: value for key, value in snap.document.items() if key != "updated_at"}
        sale = (document.get("price") or {}).get("sale")
        if sale:  # a sale runs from the load's own time
            document["price"] = {**document["price"], "sale": sale["amount"]}
        documents[(snap.channel.code, snap.sku, snap.locale)] = (snap.deleted, document)
    return {
        "products": sorted(Product.objects.values_list(
            "sku", "gtin", "mpn", "brand__code", "family__code", "status", "available_from", "weight_grams",
            "replacement__sku")),
        "categories": sorted(Product.categories.through.objects.values_list("product__sku", "category__code")),
        "translations": sorted(translations),
        # Sale prices run from the load's own time: their length is what is planned.
        "prices": sorted((*row, until - start if start else None) for *row, start, until in Price.objects.values_list(
            "product__sku", "variant__sku", "price_list__code", "amount", "valid_from", "valid_until")),
        "stock": sorted(Stock.objects.values_list("product__sku", "variant__sku", "store__code", "quantity")),
        "values": values,
        "image_files": sorted(ImageFile.objects.values_list("sha256", "width", "height", "format")),
        "images": images,
        "relations": sorted(ProductRelation.objects.values_list("product__sku", "related__sku", "kind", "position")),
        "documents": documents,
    }


def _load_and_dump(media, seed):
    """Load into the empty catalog of this test, dump, then roll it back."""
    from django.core.cache import cache
    from django.db import transaction
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("load_demo_catalog", "--products", "20", "--seed", str(seed), verbosity=0)
        dump = _dump()
        transaction.set_rollback(True)
    cache.clear()
    return dump


@pytest.mark.django_db
def test_same_seed_loads_the_same_catalog_twice(tmp_path):
    first = _load_and_dump(tmp_path / "first", seed=3)
    assert not Product.objects.exists()  # the second load starts from nothing again
    second = _load_and_dump(tmp_path / "second", seed=3)
    assert len(first["products"]) == 20 and first["documents"] and first["values"] and first["image_files"]
    assert any(row[-1] for row in first["prices"])  # sale prices are part of it
    for part in first:
        assert first[part] == second[part], part
    other = _load_and_dump(tmp_path / "other", seed=4)
    assert other["translations"] != first["translations"]

"""The demo plan is a pure function of seed and index; bad input and a
non-empty catalog are refused; --append adds to an existing catalog."""

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

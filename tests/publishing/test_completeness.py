import pytest

from catalog.models import Attribute, FamilyAttribute
from publishing.completeness import assess_channel, completeness_queryset, refresh_completeness
from publishing.models import ChannelLanguage, Completeness
from tests.factories import make_attribute, make_category, make_family, make_product, set_value

from .helpers import make_channel, make_complete_product, make_image


def rows(product, channel):
    return {
        c.language_code: (c.score, c.missing)
        for c in Completeness.objects.filter(product=product, channel=channel)
    }


@pytest.mark.django_db
def test_scores_and_missing_lists_per_language():
    power = make_attribute("power", Attribute.Type.MEASUREMENT, unit="W")
    claim = make_attribute("claim", localizable=True)
    family = make_family(attributes=[power, claim], required=[power, claim])
    channel = make_channel("web", languages=("en", "fi", "hu"), no_fallback=("hu",))
    product = make_product(names={"en": "Drill", "fi": "Pora"}, family=family)  # no price, no image
    refresh_completeness(channel=channel)
    # 7 checks: 3 texts, images, price, power, claim
    assert rows(product, channel) == {
        "en": (42, ["images", "price", "attr:power", "attr:claim"]),
        "fi": (42, ["images", "price", "attr:power", "attr:claim"]),
        "hu": (0, ["name", "short_description", "description", "images", "price", "attr:power", "attr:claim"]),
    }
    make_image(product)
    set_value(product, power, "800")
    set_value(product, claim, "Strong", language="en")
    from decimal import Decimal
    from catalog.models import Price

    Price.objects.create(price_list=channel.price_list, product=product, amount=Decimal("10"))
    refresh_completeness(channel=channel, products=[product])
    result = rows(product, channel)
    assert result["en"] == (100, []) and result["fi"] == (100, [])  # fi: claim from the fallback
    assert result["hu"] == (42, ["name", "short_description", "description", "attr:claim"])


@pytest.mark.django_db
def test_channel_required_attributes_count():
    ean_label = make_attribute("energy_label")
    channel = make_channel(languages=("en",))
    channel.required_attributes.add(ean_label)
    product = make_complete_product(names={"en": "Fridge"})
    loaded = completeness_queryset().get(pk=product.pk)
    assert assess_channel(loaded, channel) == {"en": (83, ["attr:energy_label"])}


@pytest.mark.django_db
def test_assortment_limits_rows_and_leavers_lose_them():
    tools = make_category("tools")
    garden = make_category("garden")
    channel = make_channel(languages=("en",))
    channel.categories.add(tools)
    inside = make_complete_product(categories=[make_category(parent=tools)])
    outside = make_complete_product(categories=[garden])
    refresh_completeness(channel=channel)
    assert set(Completeness.objects.filter(channel=channel).values_list("product_id", flat=True)) == {inside.pk}
    inside.categories.set([garden])
    refresh_completeness(channel=channel)
    assert not Completeness.objects.filter(channel=channel).exists()
    assert outside.pk


@pytest.mark.django_db
def test_saving_a_product_refreshes_its_completeness_after_commit(committed):
    channel = make_channel(languages=("en", "fi"))
    with committed():
        product = make_product(names={"en": "Drill"}, price="5")
    assert rows(product, channel)["en"] == (80, ["images"])
    with committed():
        make_image(product)
    assert rows(product, channel)["en"] == (100, [])


@pytest.mark.django_db
def test_family_and_channel_requirement_changes_recompute(committed):
    weight = make_attribute("weight", Attribute.Type.NUMBER)
    family = make_family(attributes=[weight])
    channel = make_channel(languages=("en", "fi"))
    with committed():
        product = make_complete_product(names={"en": "Drill", "fi": "Pora"}, family=family)
    assert rows(product, channel)["fi"] == (100, [])
    with committed():
        FamilyAttribute.objects.filter(family=family, attribute=weight).update(required=True)
        link = FamilyAttribute.objects.get(family=family, attribute=weight)
        link.save()
    assert rows(product, channel)["fi"] == (83, ["attr:weight"])
    colour = make_attribute("colour")
    with committed():
        channel.required_attributes.add(colour)
    assert rows(product, channel)["fi"] == (71, ["attr:weight", "attr:colour"])
    with committed():
        ChannelLanguage.objects.create(channel=channel, language_code="ru", fallback_allowed=False)
    assert rows(product, channel)["ru"][1][:3] == ["name", "short_description", "description"]


@pytest.mark.django_db
def test_refresh_reports_progress():
    channel = make_channel(languages=("en",))
    for _ in range(3):
        make_complete_product()
    seen = []
    result = refresh_completeness(channel=channel, progress=lambda done, total: seen.append((done, total)))
    assert result["products"] == 3 and seen[-1] == (3, 3)

"""The demo product copy fits each product: over whole generated plans, no
claim or sentence says something the product is not (origin, power, grip,
spare parts, warranty, care), and each language writes its own words and
unit symbols."""

import re

import pytest

from catalog.demo import vocabulary as V
from catalog.demo.plan import Planner
from catalog.demo.write import description_html

COUNT = 400
# Words that name a country, by the country a brand comes from.
COUNTRY_WORDS = {
    "en": {"FI": ("Finland", "Finnish"), "HU": ("Hungary", "Hungarian"), "BG": ("Bulgaria", "Bulgarian", "Sofia")},
    "ru": {"FI": ("Финлянд", "финск"), "HU": ("Венгр", "венгерск"), "BG": ("Болгар", "болгарск", "Софи")},
}
# Product types nobody holds in one hand while working.
NOT_HAND_HELD = {"lawn-mower", "garden-hose", "sprinkler", "gloves", "battery", "drill-bits", "saw-blade",
                 "coffee-maker", "kettle", "blender", "frying-pan"}
LATIN_UNIT_AFTER_NUMBER = re.compile(r"\d\s*(?:V|W|kW|cm|mm|kg|m²|m|l|dB)(?![\w²])")


def plans(seed):
    planner = Planner(seed, COUNT)
    return [planner.plan(index) for index in range(COUNT)]


def texts(plan, language):
    return description_html(plan, language) + " " + plan.claims[language]


def family_has(plan, attribute):
    return any(code == attribute for code, _required in V.FAMILIES[plan.family][1])


def value_of(plan, attribute):
    return next((value for code, _language, value in plan.attributes if code == attribute), None)


@pytest.fixture(scope="module", params=[2026, 7])
def plan_list(request):
    return plans(request.param)


def test_every_type_appears(plan_list):
    assert {plan.type_code for plan in plan_list} == set(V.PRODUCT_TYPES)


def test_origin_is_the_brand_country_and_no_other(plan_list):
    for plan in plan_list:
        country = V.BRANDS[plan.brand]["country"]
        for language, words in COUNTRY_WORDS.items():
            text = description_html(plan, language) if plan.description_parts[language] else None
            if text is None:
                continue
            assert any(word in text for word in words[country]), (plan.sku, language, text)
            for other, other_words in words.items():
                if other != country:
                    assert not any(word in text for word in other_words), (plan.sku, language, other, text)


def test_energy_and_spare_part_claims_only_for_powered_families(plan_list):
    energy = next(claim for _needs, claim in V.CLAIMS if claim["en"] == "Energy-efficient")
    powered, unpowered = 0, 0
    for plan in plan_list:
        if family_has(plan, "power"):
            powered += 1
            continue
        unpowered += 1
        for language in V.LANGUAGES:
            assert energy[language] not in plan.claims[language], (plan.sku, language)
        assert "Energy" not in texts(plan, "en") and "Spare parts" not in texts(plan, "en"), plan.sku
    assert powered and unpowered
    assert any("Energy-efficient" in plan.claims["en"] for plan in plan_list)


def test_grip_and_balance_only_for_hand_held_tools(plan_list):
    for plan in plan_list:
        if plan.type_code in NOT_HAND_HELD:
            text = texts(plan, "en")
            assert "balance" not in text and "Ergonomic" not in text, (plan.sku, text)
    assert any("balance" in texts(plan, "en") for plan in plan_list if plan.type_code == "hammer")


def test_warranty_sentence_states_the_warranty_attribute(plan_list):
    for plan in plan_list:
        text = description_html(plan, "en")
        years = value_of(plan, "warranty_years")
        if not family_has(plan, "warranty_years"):
            assert "warranty" not in text, (plan.sku, text)
        elif plan.description_parts["en"]:
            assert f"{int(years)}-year warranty." in text, (plan.sku, years, text)


def test_care_matches_material_and_dishwasher_safety(plan_list):
    pans = [plan for plan in plan_list if plan.type_code == "frying-pan"]
    assert pans
    for plan in pans:
        care = next(value for code, language, value in plan.attributes if code == "care" and language == "en")
        if value_of(plan, "material") == "cast-iron":
            assert value_of(plan, "dishwasher_safe") is False and "oil" in care, plan.sku
        elif value_of(plan, "dishwasher_safe"):
            assert "Dishwasher safe" in care, plan.sku
        else:
            assert "by hand" in care, plan.sku
    for plan in plan_list:
        if plan.type_code == "blender":
            assert not any("descale" in value for code, _l, value in plan.attributes if code == "care")


def test_each_language_writes_its_own_words_and_unit_symbols(plan_list):
    for plan in plan_list:
        for language in V.LANGUAGES:
            text = texts(plan, language)
            assert "{" not in text and "}" not in text, (plan.sku, language)
            if language != "en" and plan.description_parts[language]:
                assert plan.short_descriptions[language] != plan.short_descriptions["en"], (plan.sku, language)
                assert plan.claims[language] != plan.claims["en"], (plan.sku, language)
        for language in ("ru", "bg"):
            assert not LATIN_UNIT_AFTER_NUMBER.search(texts(plan, language) + plan.short_descriptions[language]), (
                plan.sku, language, texts(plan, language))
    battery = next(plan for plan in plan_list if plan.type_code == "battery")
    assert "18 В" in battery.short_descriptions["ru"] and "18 В" in battery.short_descriptions["bg"]


def test_brand_descriptions_agree_with_their_nouns():
    # "Посуда" is feminine: the participle that follows agrees with it.
    russian = V.BRANDS["sampo"]["description"]["ru"]
    assert russian.startswith("Посуда") and "сделанная" in russian and "сделано" not in russian

"""Fixtures of the spreadsheet tests: a small catalog in five languages with
every attribute type, variants, prices and stock."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog.models import Attribute, Price, Stock
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_product,
    make_store, make_variant, set_value,
)

NAMES = {
    "en": "Cordless drill", "fi": "Akkuporakone", "hu": "Őrült fúró", "ru": "Аккумуляторная дрель",
    "bg": "Акумулаторна бормашина",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Parler's translation cache outlives each test's rollback, and SQLite
    # hands the next test the same product ids.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalog(db):
    """Two products (one with variants) covering every column kind."""
    brand = make_brand("nordtool", "Nordtool")
    make_brand("other", "Other")
    drills, tools = make_category("drills"), make_category("tools")
    retail, reseller = make_price_list("retail"), make_price_list("reseller")
    kamppi, depot = make_store("kamppi"), make_store("depot")
    voltage = make_attribute("voltage", type=Attribute.Type.MEASUREMENT, unit="V", decimal_places=1)
    cordless = make_attribute("cordless", type=Attribute.Type.BOOLEAN)
    launched = make_attribute("launched", type=Attribute.Type.DATE)
    material = make_attribute("material", type=Attribute.Type.TEXT, localizable=True)
    notes = make_attribute("notes", type=Attribute.Type.RICH_TEXT)
    colour = make_attribute("colour", type=Attribute.Type.SELECT, is_variant_axis=True)
    features = make_attribute("features", type=Attribute.Type.MULTI_SELECT)
    red = make_option(colour, "red", {"en": "Red", "ru": "Красный"})
    blue = make_option(colour, "blue", {"en": "Blue"})
    make_option(colour, "green", {"en": "Green"})
    led = make_option(features, "led", {"en": "LED light"})
    clutch = make_option(features, "clutch", {"en": "Clutch"})
    make_option(features, "case", {"en": "Case"})
    family = make_family("drills", attributes=[voltage, material])

    drill = make_product("DRILL-1", names=NAMES, brand=brand, family=family, categories=[drills, tools],
                         gtin="6414570000027", mpn="=1+1")
    drill.set_current_language("hu")
    drill.description = "<p>Első sor</p>\n<p>Második sor: Ő ű</p>"
    drill.marketing_claims = "-5 % energia\n@ kedvezmény"
    drill.save()
    set_value(drill, voltage, Decimal("18.5"))
    set_value(drill, cordless, True)
    set_value(drill, launched, date(2026, 3, 1))
    set_value(drill, material, "Сталь", "ru")
    set_value(drill, material, "Teräs", "fi")
    set_value(drill, notes, "<p>Line one</p>\n<p>Line two</p>")
    set_value(drill, features, [led, clutch])
    Price.objects.create(price_list=retail, product=drill, amount=Decimal("129.90"))
    Price.objects.create(price_list=reseller, product=drill, amount=Decimal("99.00"))
    Stock.objects.create(store=kamppi, product=drill, quantity=7)

    shirt = make_product("SHIRT-1", names={"en": "Work shirt", "fi": "Työpaita"}, brand=brand)
    red_shirt = make_variant(shirt, "SHIRT-1-RED", [red], gtin="4006381333931")
    blue_shirt = make_variant(shirt, "SHIRT-1-BLUE", [blue])
    Price.objects.create(price_list=retail, product=shirt, variant=red_shirt, amount=Decimal("19.90"))
    Price.objects.create(price_list=retail, product=shirt, variant=blue_shirt, amount=Decimal("21.00"))
    Stock.objects.create(store=depot, product=shirt, variant=red_shirt, quantity=3)
    return {"drill": drill, "shirt": shirt}

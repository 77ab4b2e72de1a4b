from datetime import date
from decimal import Decimal

from pim.formatting import format_date, format_measurement, format_money, format_number, money_amount, unit_symbol


def test_decimal_comma_and_grouping_per_language():
    assert format_number(Decimal("1234.5"), "en") == "1,234.5"
    for language in ("fi", "hu", "ru", "bg"):
        assert format_number(Decimal("1234.5"), language) == "1\xa0234,5"
    assert format_number(Decimal("2.000"), "fi") == "2"
    assert format_number(Decimal("2"), "fi", decimal_places=2) == "2,00"


def test_units_follow_the_language():
    assert format_measurement(Decimal("1.5"), "kg", "fi") == "1,5 kg"
    assert format_measurement(Decimal("1.5"), "kg", "en") == "1.5 kg"
    assert format_measurement(Decimal("1.5"), "kg", "ru") == "1,5 кг"
    assert format_measurement(Decimal("1.5"), "kg", "bg") == "1,5 кг"
    assert format_measurement(Decimal("18"), "V", "bg") == "18 В"
    assert format_measurement(Decimal("5"), "mAh", "en") == "5 mAh"  # unknown to CLDR: kept as typed
    assert unit_symbol("W", "ru") == "Вт"


def test_money_and_dates():
    assert money_amount(Decimal("12.9")) == "12.90"
    assert format_money(Decimal("1234.9"), "EUR", "fi") == "1\xa0234,90\xa0€"
    assert format_money(Decimal("12.9"), "EUR", "en") == "€12.90"
    assert format_date(date(2026, 3, 1), "fi") == "1.3.2026"

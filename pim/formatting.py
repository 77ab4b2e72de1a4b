"""Locale-aware formatting of numbers, measurements, money, dates and yes/no.

Every output (feed documents, web pages, PDFs, exports) formats through these
functions, so "1,5 kg" in Finnish and "1.5 kg" in English are decided once.
Numbers and money follow CLDR through babel; unit symbols follow CLDR too,
with a small table where a language's own convention differs from CLDR's
short form (Bulgarian writes кг, мм, Вт).
"""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal
from babel.units import UnknownUnitError, format_unit
from django.utils import translation
from django.utils.translation import gettext

# Unit codes editors type (Attribute.unit) → CLDR unit identifiers.
CLDR_UNITS = {
    "mm": "length-millimeter",
    "cm": "length-centimeter",
    "m": "length-meter",
    "km": "length-kilometer",
    "in": "length-inch",
    "g": "mass-gram",
    "kg": "mass-kilogram",
    "t": "mass-tonne",
    "ml": "volume-milliliter",
    "l": "volume-liter",
    "W": "power-watt",
    "kW": "power-kilowatt",
    "V": "electric-volt",
    "A": "electric-ampere",
    "mA": "electric-milliampere",
    "h": "duration-hour",
    "min": "duration-minute",
    "s": "duration-second",
    "°C": "temperature-celsius",
    "Nm": "torque-newton-meter",
    "Hz": "frequency-hertz",
    "rpm": "frequency-revolution-per-minute",
    "%": "concentr-percent",
    "m2": "area-square-meter",
    "m²": "area-square-meter",
}

# Where a language's usual symbol differs from CLDR's short form.
LOCAL_UNIT_SYMBOLS = {
    "bg": {
        "mm": "мм", "cm": "см", "m": "м", "km": "км", "g": "г", "kg": "кг", "t": "т",
        "ml": "мл", "l": "л", "W": "Вт", "kW": "кВт", "V": "В", "A": "А", "mA": "мА",
        "h": "ч", "min": "мин", "s": "с", "Nm": "Нм", "Hz": "Хц", "rpm": "об/мин",
        "mAh": "мАч", "Ah": "Ач", "Wh": "Втч", "dB": "дБ",
    },
    "ru": {
        "Nm": "Н·м", "mAh": "мА·ч", "Ah": "А·ч", "Wh": "Вт·ч", "dB": "дБ", "rpm": "об/мин",
    },
}


def babel_locale(language):
    """Babel locale name for a Django language code ("pt-br" → "pt_BR")."""
    return translation.to_locale(language or "en")


def _as_decimal(value):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _quantize(number, decimal_places):
    """Fixed places when the attribute asks for them, else the value's own
    precision without trailing zeros (1.500 → 1.5, 2.000 → 2)."""
    if decimal_places:
        return number.quantize(Decimal(1).scaleb(-decimal_places)), decimal_places
    normalized = number.normalize()
    if normalized == normalized.to_integral_value():
        return normalized.quantize(Decimal(1)), 0
    return normalized, max(0, -normalized.as_tuple().exponent)


def format_number(value, language, decimal_places=0):
    """A number for display: "1 234,5" (fi), "1,234.5" (en)."""
    number = _as_decimal(value)
    if number is None:
        return str(value)
    return _format_number(number, language, decimal_places)


@lru_cache(maxsize=20000)  # catalogs repeat the same values a lot
def _format_number(number, language, decimal_places):
    number, places = _quantize(number, decimal_places)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=babel_locale(language))


def unit_symbol(unit, language):
    """The unit symbol readers of ``language`` expect ("kg" → "кг" in ru/bg)."""
    local = LOCAL_UNIT_SYMBOLS.get(language, {}).get(unit)
    if local:
        return local
    cldr = CLDR_UNITS.get(unit)
    if cldr:
        try:
            return format_unit("", cldr, length="short", locale=babel_locale(language)).strip()
        except UnknownUnitError:
            pass
    return unit


def format_measurement(value, unit, language, decimal_places=0):
    """A number with its unit for display: "1,5 kg" (fi), "1.5 kg" (en), "1,5 кг" (ru)."""
    number = _as_decimal(value)
    if number is None:
        return str(value)
    return _format_measurement(number, unit, language, decimal_places)


@lru_cache(maxsize=20000)
def _format_measurement(value, unit, language, decimal_places):
    number = format_number(value, language, decimal_places)
    if not unit:
        return number
    local = LOCAL_UNIT_SYMBOLS.get(language, {}).get(unit)
    cldr = CLDR_UNITS.get(unit)
    if cldr and not local:
        try:
            # CLDR knows where the number goes and which space it takes (1,5 °C).
            return format_unit(number, cldr, length="short", locale=babel_locale(language))
        except UnknownUnitError:
            pass
    return f"{number} {local or unit}"


def format_money(amount, currency, language):
    """An amount with its currency for display: "12,90 €" (fi), "€12.90" (en)."""
    number = _as_decimal(amount)
    if number is None:
        return ""
    return format_currency(number, currency, locale=babel_locale(language))


def money_amount(amount):
    """The machine form of an amount in documents and feeds: "12.90"."""
    number = _as_decimal(amount)
    return None if number is None else str(number.quantize(Decimal("0.01")))


def format_date(value, language):
    """A date for display in the reader's language (medium length)."""
    return babel_format_date(value, format="medium", locale=babel_locale(language))


def format_boolean(value, language):
    """Yes / No in the reader's language."""
    with translation.override(language):
        return gettext("Yes") if value else gettext("No")

"""Validation rules of the product truth, shared by admin, API and import."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean


def validate_gtin(value):
    """GTIN-8/12/13/14 with a correct check digit."""
    if not value:
        return
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise ValidationError(_("A GTIN has 8, 12, 13 or 14 digits."), code="gtin_format")
    if not ean.is_valid(value):
        raise ValidationError(_("The GTIN check digit is wrong."), code="gtin_checksum")


def validate_code(value):
    """Machine codes (SKU-like): printable, no spaces or slashes."""
    if not value or any(ch.isspace() for ch in value) or "/" in value:
        raise ValidationError(_("Use a code without spaces or slashes."), code="code_format")

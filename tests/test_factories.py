import pytest

from catalog.families import missing_required_attributes
from catalog.models import Attribute
from tests.factories import make_attribute, make_family, make_product, set_value


@pytest.mark.django_db
def test_family_required_attributes_are_reported_missing_per_language():
    power = make_attribute("power", Attribute.Type.MEASUREMENT, unit="W")
    claim = make_attribute("claim", localizable=True)
    extra = make_attribute("extra")
    family = make_family(attributes=[power, claim, extra], required=[power, claim])
    product = make_product(family=family)
    assert sorted(missing_required_attributes(product, "fi")) == ["claim", "power"]
    set_value(product, power, "18")
    set_value(product, claim, "Kestävä", language="fi")
    assert missing_required_attributes(product, "fi") == []
    assert missing_required_attributes(product, "en") == ["claim"]

"""Every catalog admin page opens."""

import pytest
from django.urls import reverse

from tests.factories import make_attribute, make_family, make_product, make_store, make_price_list


@pytest.mark.django_db
def test_catalog_admin_pages_open(admin_client):
    product = make_product(sku="SMOKE-1")
    make_store()
    make_price_list()
    make_family(attributes=[make_attribute(code="weight")])
    listing = admin_client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert 'value="publish_to_channel"' in listing and 'value="unpublish_from_channel"' in listing
    for name in ("product", "category", "brand", "attribute", "family", "pricelist", "store", "imagefile"):
        assert admin_client.get(reverse(f"admin:catalog_{name}_changelist")).status_code == 200, name
    for name in ("product", "category", "brand", "attribute", "family", "pricelist", "store"):
        assert admin_client.get(reverse(f"admin:catalog_{name}_add")).status_code == 200, name
    page = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk]) + "?language=fi")
    assert page.status_code == 200

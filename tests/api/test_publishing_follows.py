"""Edits through the write API reach published channels (saves go through
Product.save(), so publishing's signals see them)."""

import pytest
from django.db import connection

from catalog.models import Product
from publishing.models import ProductSnapshot
from publishing.services import publish
from tests.publishing.helpers import make_channel, make_complete_product

pytestmark = pytest.mark.django_db


def run_commit_callbacks():
    """Run the on-commit work the test transaction collected, as a commit would."""
    while connection.run_on_commit:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _sids, func, _robust in pending:
            func()


def test_patch_republishes_and_delete_writes_tombstones(api, refs):
    channel = make_channel("web", languages=("en", "fi"))
    product = make_complete_product(sku="PUB-1", names={"en": "Drill", "fi": "Pora"})
    publish(product, channel)
    run_commit_callbacks()
    version = Product.objects.get(pk=product.pk).version

    response = api.patch("/api/v1/products/PUB-1/", {"translations": {"fi": {"name": "Uusi pora"}}},
                         format="json", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200, response.content
    run_commit_callbacks()
    snapshot = ProductSnapshot.objects.get(channel=channel, sku="PUB-1", locale="fi")
    assert snapshot.document["name"] == "Uusi pora"
    assert ProductSnapshot.objects.get(channel=channel, sku="PUB-1", locale="en").document["name"] == "Drill"

    assert api.delete("/api/v1/products/PUB-1/").status_code == 204
    run_commit_callbacks()
    assert set(ProductSnapshot.objects.filter(channel=channel, sku="PUB-1").values_list("deleted", flat=True)) == {True}

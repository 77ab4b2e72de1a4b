"""Change-list actions through the admin's own views: "Publish to channel…"
holds an unapproved product back on a channel that requires approval, and
bulk edit sets attribute values for a selection, all or nothing."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from catalog import history
from catalog.models import Attribute, AttributeValue, Product, ProductHistory
from publishing.models import ProductSnapshot, Publication
from tests.factories import make_attribute, make_option, make_product, set_value
from tests.publishing.helpers import make_channel, make_complete_product

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_product_changelist")


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_publish_to_channel_holds_an_unapproved_product_on_an_approval_channel(client, reviewer):
    channel = make_channel("app", languages=("en",), requires_approval=True)
    draft = make_complete_product(sku="PA-DRAFT", names={"en": "Drill"}, review_state=Product.ReviewState.DRAFT)
    approved = make_complete_product(sku="PA-OK", names={"en": "Saw"})
    client.force_login(reviewer)
    selection = {ACTION_CHECKBOX_NAME: [draft.pk, approved.pk], "action": "publish_to_channel"}

    page = client.post(CHANGELIST, selection)
    assert page.status_code == 200 and page.context["form"].fields["channel"]  # the channel choice first
    assert not ProductSnapshot.objects.exists()

    response = client.post(CHANGELIST, {**selection, "apply": "1", "channel": channel.pk}, follow=True)
    assert response.status_code == 200
    text = messages_of(response)
    assert "1 published" in text and "1 held back" in text
    assert "PA-DRAFT" in text and "waiting for approval" in text
    served = set(ProductSnapshot.objects.filter(channel=channel, deleted=False).values_list("sku", flat=True))
    assert served == {"PA-OK"}
    assert Publication.objects.get(product=draft, channel=channel).blocked_reason


def _bulk(client, products, **fields):
    return client.post(CHANGELIST, {ACTION_CHECKBOX_NAME: [p.pk for p in products], "action": "bulk_edit",
                                    "apply": "1", **fields}, follow=True)


def test_bulk_edit_sets_an_attribute_value_on_every_selected_product(admin_client):
    power = make_attribute("power", Attribute.Type.NUMBER, unit="W")
    note = make_attribute("note", localizable=True)
    products = [make_product(sku=f"BA-{i}", names={"en": f"Tool {i}"}) for i in range(3)]
    set_value(products[2], power, 750)
    history.record_many(products)

    response = _bulk(admin_client, products, operation="attribute", attribute="power", value="750")
    assert "2 of 3 products changed" in messages_of(response)  # the third had it already
    assert {p.sku: AttributeValue.objects.get(product=p, attribute=power).value_number for p in products} == {
        "BA-0": Decimal("750"), "BA-1": Decimal("750"), "BA-2": Decimal("750")}
    assert [ProductHistory.objects.filter(product=p).count() for p in products] == [2, 2, 1]

    response = _bulk(admin_client, products[:2], operation="attribute", attribute="note", locale="fi",
                     value="Takuu 2 vuotta")
    assert "2 of 2 products changed" in messages_of(response)
    assert set(AttributeValue.objects.filter(attribute=note).values_list("language_code", "value_text")) == {
        ("fi", "Takuu 2 vuotta")}


def test_bulk_edit_changes_nothing_when_one_product_of_the_selection_fails(admin_client):
    products = [make_product(sku=f"BS-{i}", names={"en": f"Tool {i}"}) for i in range(3)]
    # The middle one holds a GTIN saved around the validation (an old import):
    # saving it again fails, after the first product was already changed.
    Product.objects.filter(pk=products[1].pk).update(gtin="12345")

    response = _bulk(admin_client, products, operation="status", status="discontinued")
    text = messages_of(response)
    assert "Nothing was changed" in text and "BS-1" in text and "gtin" in text
    assert set(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("status", flat=True)) == {"active"}
    assert not ProductHistory.objects.filter(product__in=products).exists()


def test_bulk_edit_changes_nothing_when_the_products_refuse_the_value(admin_client):
    colour = make_attribute("colour", Attribute.Type.SELECT)
    red = make_option(colour, "red", {"en": "Red"})
    blue = make_option(colour, "blue", {"en": "Blue"})
    products = [make_product(sku=f"BN-{i}", names={"en": f"Tool {i}"}) for i in range(3)]
    for product in products:
        set_value(product, colour, red)
    versions = ProductHistory.objects.count()

    response = _bulk(admin_client, products, operation="attribute", attribute="colour", value="green")
    text = messages_of(response)
    assert "Nothing was changed" in text and "BN-0" in text and "attr:colour" in text
    assert set(AttributeValue.objects.filter(attribute=colour).values_list("option__code", flat=True)) == {"red"}

    # A value that differs per language, sent without a language: every
    # product refuses it, none is changed.
    response = _bulk(admin_client, products, operation="attribute", attribute="colour", locale="fi", value="blue")
    assert "Nothing was changed" in messages_of(response)
    assert not AttributeValue.objects.filter(option=blue).exists()
    assert ProductHistory.objects.count() == versions
    assert {p.version for p in Product.objects.filter(pk__in=[p.pk for p in products])} == {products[0].version}

"""Revert through the admin's version page: every part of the product comes
back (shipping fields, variant details, documents, relations too), the
revert is bookkept like an edit, a version that no longer fits is refused
with a message, and a language-limited translator may not revert."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from catalog import history, translation_workflow
from catalog.models import Product, ProductDocument, ProductHistory, ProductRelation, Variant
from tests.factories import make_category, make_product, make_variant

from .conftest import change_url, errors_of, post_form

pytestmark = pytest.mark.django_db


def version_url(entry):
    return reverse("admin:catalog_product_version", args=[entry.product_id, entry.pk])


def versions(product):
    return ProductHistory.objects.filter(product=product).count()


def latest(product):
    return ProductHistory.objects.filter(product=product).order_by("-created_at", "-pk").first()


def test_an_admin_change_of_weight_and_backorder_is_a_version_that_revert_undoes(admin_client):
    product = make_product(sku="SH-1", names={"en": "Drill", "fi": "Porakone"})
    assert post_form(admin_client, change_url(product)).status_code == 302
    start = latest(product)

    response = post_form(admin_client, change_url(product), weight_grams="1800", backorder_allowed="on")
    assert response.status_code == 302, errors_of(response)
    assert versions(product) == 2
    page = admin_client.get(reverse("admin:catalog_product_versions", args=[product.pk])).content.decode()
    assert "weight_grams" in page and "1800" in page and "backorder_allowed" in page

    assert admin_client.post(version_url(start)).status_code == 302
    product = Product.objects.get(pk=product.pk)
    assert (product.weight_grams, product.backorder_allowed) == (None, False)
    assert latest(product).digest == start.digest


def test_revert_restores_availability_replacement_variant_details_documents_and_relations(admin_client):
    product = make_product(sku="RV-D", names={"en": "Drill", "fi": "Porakone"})
    successor = make_product(sku="RV-NEW", names={"en": "Drill 2"})
    accessory = make_product(sku="RV-ACC", names={"en": "Battery"})
    red = make_variant(product, sku="RV-D-RED")
    Variant.objects.filter(pk=red.pk).update(position=3, weight_grams=900)
    Product.objects.filter(pk=product.pk).update(available_from=date(2030, 1, 15), replacement=successor)
    manual = default_storage.save("documents/kayttoohje.pdf", ContentFile(b"%PDF-1.4\n% manual\n"))
    ProductDocument.objects.create(product=product, language_code="fi", kind="manual", title="Käyttöohje",
                                   file=manual, position=1)
    ProductRelation.objects.create(product=product, related=accessory, kind="accessory", position=2)
    first = history.record(product)

    Product.objects.filter(pk=product.pk).update(available_from=None, replacement=None, backorder_allowed=True)
    Variant.objects.filter(pk=red.pk).update(position=0, is_active=False, weight_grams=None)
    ProductDocument.objects.filter(product=product).delete()
    other = default_storage.save("documents/safety.pdf", ContentFile(b"%PDF-1.4\n% safety\n"))
    ProductDocument.objects.create(product=product, language_code="en", kind="safety", title="Safety", file=other)
    ProductRelation.objects.filter(product=product).delete()
    assert history.record(product) is not None  # each of these is a change of the product

    page = admin_client.get(version_url(first)).content.decode()
    assert "available_from" in page and "relation:accessory/RV-ACC" in page and "Käyttöohje" in page
    assert admin_client.post(version_url(first)).status_code == 302

    product = Product.objects.get(pk=product.pk)
    assert (product.available_from, product.replacement_id, product.backorder_allowed) == (
        date(2030, 1, 15), successor.pk, False)
    red = Variant.objects.get(pk=red.pk)
    assert (red.position, red.is_active, red.weight_grams) == (3, True, 900)
    assert list(ProductDocument.objects.filter(product=product).values_list(
        "language_code", "kind", "title", "file", "position")) == [("fi", "manual", "Käyttöohje", manual, 1)]
    assert list(ProductRelation.objects.filter(product=product).values_list("related__sku", "kind", "position")) \
        == [("RV-ACC", "accessory", 2)]
    assert latest(product).digest == first.digest


def test_an_editors_revert_of_an_approved_product_returns_it_to_draft_and_outdates_translations(client, editor):
    product = make_product(sku="RV-A", names={"en": "Drill", "fi": "Porakone"})
    translation_workflow.source_changed(product)
    first = history.record(product)
    client.force_login(editor)
    assert post_form(client, change_url(product, "en"), name="Drill Pro").status_code == 302
    # Reviewed and translated since: approved, the Finnish text confirmed.
    Product.objects.filter(pk=product.pk).update(review_state=Product.ReviewState.APPROVED)
    translation_workflow.confirm(product, "fi")
    assert translation_workflow.outdated_languages(product) == set()

    assert client.post(version_url(first)).status_code == 302
    product = Product.objects.get(pk=product.pk)
    assert product.safe_translation_getter("name", language_code="en") == "Drill"
    assert product.review_state == Product.ReviewState.DRAFT
    assert translation_workflow.outdated_languages(product) == {"fi"}
    assert latest(product).user == editor


def test_a_version_naming_a_deleted_category_is_refused_with_a_message(admin_client):
    old = make_category("old-tools", names={"en": "Old tools"})
    product = make_product(sku="RV-C", names={"en": "Drill"}, categories=[old])
    first = history.record(product)
    assert post_form(admin_client, change_url(product), name="Drill 2").status_code == 302
    old.delete()
    count = versions(product)

    response = admin_client.post(version_url(first), follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "nothing was changed" in text and "old-tools" in text
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="en") == "Drill 2"
    assert versions(product) == count


def test_a_language_limited_translator_may_not_revert(client, hu_translator, admin_client):
    product = make_product(sku="RV-T", names={"en": "Drill", "fi": "Porakone", "hu": "Fúró"}, mpn="M-1")
    first = history.record(product)
    assert post_form(admin_client, change_url(product, "fi"), name="Porakone 2", mpn="M-2").status_code == 302
    client.force_login(hu_translator)
    assert client.get(version_url(first)).context["may_revert"] is False
    assert client.post(version_url(first)).status_code == 403
    product = Product.objects.get(pk=product.pk)
    assert (product.mpn, product.safe_translation_getter("name", language_code="fi")) == ("M-2", "Porakone 2")

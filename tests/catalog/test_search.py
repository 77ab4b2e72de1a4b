"""Product search text follows names, SKUs and variants, and the admin finds
products by non-ASCII words whatever their case (Ő, ä, Ж)."""

import pytest
from django.urls import reverse

from catalog.models import Product, Variant
from catalog.search import fold, refresh_all
from tests.factories import make_product, make_variant


def _found(client, query):
    response = client.get(reverse("admin:catalog_product_changelist"), {"q": query})
    assert response.status_code == 200
    return {product.sku for product in response.context["cl"].result_list}


@pytest.mark.django_db
def test_search_text_holds_codes_and_every_name_case_folded():
    product = make_product(sku="AbC-1", gtin="4006381333931", mpn="MX-9",
                           names={"en": "Drill", "hu": "ŐRLŐ Gép", "ru": "Дрель"})
    make_variant(product, sku="AbC-1-RED")
    product.refresh_from_db()
    for part in ("abc-1", "4006381333931", "mx-9", "drill", "őrlő gép", "дрель", "abc-1-red"):
        assert part in product.search_text


@pytest.mark.django_db
def test_search_text_follows_translation_and_variant_changes():
    product = make_product(sku="UP-1", names={"en": "Saw"})
    product.set_current_language("fi")
    product.name, product.slug = "Käsisaha", "kasisaha-up1"
    product.save()
    assert "käsisaha" in Product.objects.get(pk=product.pk).search_text

    variant = make_variant(product, sku="UP-1-XL")
    assert "up-1-xl" in Product.objects.get(pk=product.pk).search_text
    variant.sku = "UP-1-XXL"
    variant.save()
    assert "up-1-xxl" in Product.objects.get(pk=product.pk).search_text
    variant.delete()
    assert "up-1-xxl" not in Product.objects.get(pk=product.pk).search_text

    product = Product.objects.get(pk=product.pk)
    product.delete_translation("fi")
    assert "käsisaha" not in Product.objects.get(pk=product.pk).search_text

    # Saving other fields only does not touch the search text.
    stored = Product.objects.get(pk=product.pk)
    stored.status = Product.Status.DISCONTINUED
    stored.save(update_fields=["status"])
    assert "saw" in Product.objects.get(pk=product.pk).search_text
    stored.sku = "UP-2"
    stored.save(update_fields=["sku"])
    assert Product.objects.get(pk=product.pk).search_text.startswith("up-2 ")

    # Rebuilding the search text is not an edit: the version stays.
    version = Product.objects.get(pk=product.pk).version
    Product.objects.filter(pk=product.pk).update(search_text="")
    assert refresh_all() == {product.pk: "up-2 saw"}
    stored = Product.objects.get(pk=product.pk)
    assert stored.version == version and "saw" in stored.search_text


@pytest.mark.django_db
def test_admin_search_finds_non_ascii_names_in_any_case(admin_client):
    make_product(sku="HU-1", names={"en": "Grinder", "hu": "Őrlő"})
    make_product(sku="FI-1", names={"en": "Hammer", "fi": "Vasara ämpäri"})
    make_product(sku="RU-1", names={"en": "Drill", "ru": "Жёсткая дрель"})
    make_product(sku="GT-1", gtin="96385074", names={"en": "Level"})
    assert _found(admin_client, "őrlő") == {"HU-1"}
    assert _found(admin_client, "ŐRLŐ") == {"HU-1"}
    assert _found(admin_client, "ÄMPÄRI") == {"FI-1"}
    assert _found(admin_client, "ä") == {"FI-1"}
    assert _found(admin_client, "ЖЁСТКАЯ") == {"RU-1"}
    assert _found(admin_client, "жёсткая дрель") == {"RU-1"}
    assert _found(admin_client, "hu-1") == {"HU-1"}
    assert _found(admin_client, "96385074") == {"GT-1"}
    assert _found(admin_client, "дрель hammer") == set()
    assert Product.objects.search("Жёсткая").get().sku == "RU-1"


def test_fold_normalises_and_case_folds():
    assert fold("ŐRLŐ") == "őrlő"
    assert fold("Straße") == "strasse"
    assert fold("ЖЁ") == "жё"
    # A decomposed "ő" (o + combining double acute) matches the composed one.
    assert fold("O\u030b") == "ő"


@pytest.mark.django_db
def test_variant_sku_search_finds_the_product(admin_client):
    product = make_product(sku="PAR-1", names={"en": "Jacket"})
    Variant.objects.create(product=product, sku="PAR-1-Ж-XL")
    assert _found(admin_client, "par-1-ж-xl") == {"PAR-1"}

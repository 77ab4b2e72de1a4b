"""The product list and the product form cost a fixed number of queries,
however many products, images or values there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.images import ensure_rendition, ingest_image
from catalog.models import Attribute, Price, ProductImage, ProductRelation, Stock
from publishing.models import Channel, Completeness
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_product,
    make_store, make_variant, set_value,
)

from .conftest import png_bytes

NAMES = {"en": "Angle grinder", "fi": "Kulmahiomakone", "hu": "Sarokcsiszoló", "ru": "Болгарка"}


def _catalog(start, stop, family, brand, categories, channel, price_list, colours, image_files):
    """Products ``start``..``stop`` - 1, each with everything a list row can
    reach: translations in four languages, two categories, a main and a
    gallery image, two colour variants with prices, a product price and
    completeness rows."""
    for index in range(start, stop):
        product = make_product(sku=f"Q-{index:04d}", names={k: f"{v} {index}" for k, v in NAMES.items()},
                               family=family, brand=brand, categories=categories, price="19.90",
                               price_list=price_list)
        for position, role in enumerate(("main", "gallery")):
            ProductImage.objects.create(product=product, image_file=image_files[(index + position) % len(image_files)],
                                        role=role, position=position)
        for colour in colours:
            variant = make_variant(product, sku=f"Q-{index:04d}-{colour.code}", axis_values=[colour])
            Price.objects.create(price_list=price_list, product=product, variant=variant, amount=Decimal("21.90"))
        Completeness.objects.bulk_create([
            Completeness(product=product, channel=channel, language_code=code, score=80 + index % 20)
            for code in ("en", "fi")
        ])


def _count(client, url):
    client.get(url)  # warm the content type cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_product_list_queries_stay_flat_from_10_to_200_products(admin_client):
    family = make_family(attributes=[make_attribute(code="power")])
    brand = make_brand(name="Nordtool")
    categories = [make_category(), make_category()]
    channel = Channel.objects.create(code="web", name="Web")
    price_list = make_price_list()
    axis = make_attribute(code="colour", type=Attribute.Type.SELECT, is_variant_axis=True)
    colours = [make_option(axis, code, {"en": code.title()}) for code in ("red", "blue")]
    # A few files shared by many images, as in a real catalog; every row has its own image rows.
    image_files = [ingest_image(png_bytes(400, 300, colour=(3 * i, 4, 5))) for i in range(5)]
    url = reverse("admin:catalog_product_changelist") + "?all="
    args = (family, brand, categories, channel, price_list, colours, image_files)

    _catalog(0, 10, *args)
    small, response = _count(admin_client, url)
    assert response.content.decode().count('class="lang-ok"') == 10 * 4
    assert response.content.decode().count("-320.webp") == 10

    _catalog(10, 200, *args)
    large, response = _count(admin_client, url)
    html = response.content.decode()
    assert html.count('class="lang-ok"') == 200 * 4 and "Q-0199" in html and "web " in html
    assert html.count("-320.webp") == 200  # a thumbnail in every row
    assert small == large, f"{small} queries for 10 products, {large} for 200"
    print(f"product list: {small} queries for 10 and for 200 products")

    # Searching and filtering keep it flat too.
    searched, _ = _count(admin_client, url + "&q=болгарка&status__exact=active")
    assert searched <= large + 1


def _product_with(count, family, attributes, axis_options, stores, price_list):
    product = make_product(sku=f"FORM-{count}", names=NAMES, family=family)
    for index in range(count):
        set_value(product, attributes[index], Decimal(index + 1))
        variant = make_variant(product, sku=f"FORM-{count}-V{index}", axis_values=[axis_options[index % 3]])
        Price.objects.create(price_list=price_list, product=product, variant=variant, amount=Decimal("9.90"))
        Stock.objects.create(store=stores[index % len(stores)], product=product, variant=variant, quantity=index)
        target = make_product(sku=f"FORM-{count}-ACC{index}", names={"en": f"Battery {index}", "fi": f"Akku {index}"})
        ProductRelation.objects.create(product=product, related=target, kind="accessory", position=index)
    for index in range(count):
        image_file = ingest_image(png_bytes(40 + index, 30 + count, colour=(index, count, 7)))
        ensure_rendition(image_file, 320, "webp")
        image = ProductImage(product=product, image_file=image_file, position=index)
        for language in ("en", "fi"):
            image.set_current_language(language)
            image.alt = f"alt {language} {index}"
        image.save()
    return product


@pytest.mark.django_db
def test_product_form_queries_stay_flat_from_2_to_10_rows(admin_client):
    attributes = [make_attribute(code=f"num{i}", type=Attribute.Type.NUMBER, unit="mm") for i in range(10)]
    colour = make_attribute(code="colour", type=Attribute.Type.SELECT, is_variant_axis=True)
    axis_options = [make_option(colour, code, {"en": code.title(), "fi": code}) for code in ("red", "blue", "green")]
    family = make_family(attributes=attributes, required=attributes[:1])
    stores = [make_store() for _ in range(3)]
    price_list = make_price_list()

    counts = {}
    for count in (2, 10):
        product = _product_with(count, family, attributes, axis_options, stores, price_list)
        url = reverse("admin:catalog_product_change", args=[product.pk]) + "?language=fi"
        counts[count], response = _count(admin_client, url)
        html = response.content.decode()
        assert html.count("<img src=") >= count and f"alt fi {count - 1}" in html
        assert f"Akku {count - 1}" in html or f"Battery {count - 1}" in html
    assert counts[2] == counts[10], counts
    print(f"product form: {counts[2]} queries with 2 and with 10 rows per inline")


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["category", "attribute", "family", "store", "pricelist", "brand"])
def test_reference_data_lists_stay_flat(admin_client, model):
    from tests.factories import make_category as category, make_family as family, make_store as store

    builders = {
        "category": lambda i: category(names={"en": f"Cat {i}", "ru": f"Категория {i}"}),
        "attribute": lambda i: make_attribute(code=f"a{i}", labels={"en": f"A {i}", "hu": f"Ő {i}"}),
        "family": lambda i: family(),
        "store": lambda i: store(),
        "pricelist": lambda i: make_price_list(code=f"pl{i}"),
        "brand": lambda i: make_brand(name=f"Brand {i}"),
    }
    url = reverse(f"admin:catalog_{model}_changelist")
    for i in range(3):
        builders[model](i)
    small, _ = _count(admin_client, url)
    for i in range(3, 20):
        builders[model](i)
    large, _ = _count(admin_client, url)
    assert small == large, (model, small, large)

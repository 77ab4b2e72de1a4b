"""Product history through the admin: no version without a change, revert of
the whole product, pruning, and one version per product in a bulk edit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog import history
from catalog.models import Attribute, AttributeValue, Category, Price, Product, ProductHistory, ProductImage
from tests.factories import make_attribute, make_category, make_price_list, make_product, set_value
from tests.publishing.helpers import make_image

from .conftest import change_url, errors_of, post_form

pytestmark = pytest.mark.django_db


def versions(product):
    return ProductHistory.objects.filter(product=product).count()


def test_saving_without_a_change_records_no_version(admin_client):
    product = make_product(names={"en": "Drill", "fi": "Porakone"})
    assert post_form(admin_client, change_url(product)).status_code == 302
    assert versions(product) == 1  # the first save records the starting point
    assert post_form(admin_client, change_url(product)).status_code == 302
    assert post_form(admin_client, change_url(product, "fi")).status_code == 302
    assert versions(product) == 1
    response = post_form(admin_client, change_url(product, "fi"), name="Porakone Ä")
    assert response.status_code == 302, errors_of(response)
    assert versions(product) == 2
    entry = ProductHistory.objects.filter(product=product).first()
    assert entry.user.username == "editor"
    page = admin_client.get(reverse("admin:catalog_product_versions", args=[product.pk])).content.decode()
    assert "name[fi]" in page and "Porakone Ä" in page


def test_revert_restores_texts_attribute_values_prices_and_images(admin_client):
    power = make_attribute("power", type=Attribute.Type.NUMBER, unit="W")
    colour = make_attribute("colour_name", localizable=True)
    names = {"en": "Drill", "fi": "Porakone", "hu": "Fúrógép", "ru": "Дрель", "bg": "Бормашина"}
    product = make_product(sku="REV-1", names=names, price="12.90")
    set_value(product, power, 500)
    for language, text in {"en": "Red", "fi": "Punainen", "ru": "Красный"}.items():
        set_value(product, colour, text, language)
    image = make_image(product, alt={"en": "A drill", "fi": "Porakone"})

    product.set_current_language("fi")
    product.marketing_claims = "Kevyt\nTehokas"
    product.set_current_language("ru")
    product.marketing_claims = "Лёгкая"
    product.save()
    first = history.record(product)

    # Everything changes: texts in every language, values, price, images.
    for language in names:
        product.set_current_language(language)
        product.name = f"{names[language]} X"
        product.short_description = f"<p>{language} changed</p>"
        product.description = "<p>changed</p>"
        product.marketing_claims = f"{language} claim"
    product.save()
    AttributeValue.objects.filter(product=product, attribute=power).update(value_number=Decimal("900"))
    AttributeValue.objects.filter(product=product, attribute=colour, language_code="ru").delete()
    Price.objects.filter(product=product).update(amount=Decimal("99.00"))
    Price.objects.create(price_list=make_price_list("outlet"), product=product, amount=Decimal("5.00"))
    image.delete()
    make_image(product, alt={"en": "Another"})
    history.record(product)

    url = reverse("admin:catalog_product_version", args=[product.pk, first.pk])
    page = admin_client.get(url).content.decode()
    assert "attr:power" in page and "name[bg]" in page
    assert admin_client.post(url).status_code == 302

    product = Product.objects.get(pk=product.pk)
    for language, name in names.items():
        assert product.safe_translation_getter("name", language_code=language) == name
        assert product.safe_translation_getter("description", language_code=language) == f"<p>{name} description</p>"
        assert product.safe_translation_getter("short_description", language_code=language) == f"<p>{name}</p>"
    claims = {t.language_code: t.marketing_claims for t in product.translations.all()}
    assert claims == {"en": "", "fi": "Kevyt\nTehokas", "hu": "", "ru": "Лёгкая", "bg": ""}
    values = {(v.attribute.code, v.language_code): v.raw_value() for v in product.attribute_values.all()}
    assert values == {("power", ""): Decimal("500"), ("colour_name", "en"): "Red",
                      ("colour_name", "fi"): "Punainen", ("colour_name", "ru"): "Красный"}
    assert [(p.price_list.code, p.amount) for p in Price.objects.filter(product=product)] == [
        ("retail", Decimal("12.90"))]
    images = list(ProductImage.objects.filter(product=product))
    assert [i.image_file_id for i in images] == [image.image_file_id]
    assert images[0].safe_translation_getter("alt", language_code="fi") == "Porakone"
    # The revert itself is a version, equal in content to the first.
    assert versions(product) == 3
    assert ProductHistory.objects.filter(product=product).first().digest == first.digest


def renamed_versions(count):
    """A product with ``count`` versions, one per new English name."""
    product = make_product(names={"en": "Saw"})
    for index in range(count):
        product.set_current_language("en")
        product.name = f"Saw {index}"
        product.save()
        history.record(product)
    return product


def test_prune_keeps_the_newest_versions(admin_client):
    product = renamed_versions(6)
    other = make_product(names={"en": "Hammer"})
    history.record(other)
    newest = list(ProductHistory.objects.filter(product=product).values_list("pk", flat=True)[:3])
    call_command("prune_history", "--keep", "3")
    assert list(ProductHistory.objects.filter(product=product).values_list("pk", flat=True)) == newest
    assert versions(other) == 1

    # By age: old versions go, the newest of each product always stays.
    ProductHistory.objects.update(created_at=timezone.now() - timedelta(days=400))
    call_command("prune_history", "--days", "365")
    assert versions(product) == 1 and versions(other) == 1


def test_bulk_edit_has_a_confirmation_page_and_records_one_version_per_changed_product(admin_client):
    tools = make_category("tools")
    garden = make_category("garden")
    products = [make_product(names={"en": f"Tool {i}"}, categories=[tools]) for i in range(3)]
    products[2].categories.set([garden])
    for product in products:
        history.record(product)
    changelist = reverse("admin:catalog_product_changelist")
    selection = {ACTION_CHECKBOX_NAME: [p.pk for p in products], "action": "bulk_edit"}

    page = admin_client.post(changelist, selection)
    assert page.status_code == 200 and "Confirm the change" in page.content.decode()
    assert versions(products[0]) == 1  # nothing changed before confirming

    response = admin_client.post(changelist, {**selection, "apply": "1", "operation": "category_replace",
                                              "category": garden.pk})
    assert response.status_code == 302
    for product in products:
        assert list(Product.objects.get(pk=product.pk).categories.values_list("code", flat=True)) == ["garden"]
    assert [versions(p) for p in products] == [2, 2, 1]  # the third already was in garden

    make_price_list("retail")
    response = admin_client.post(changelist, {**selection, "apply": "1", "operation": "price",
                                              "price_list": make_price_list("retail").pk, "amount": "19.90"})
    assert response.status_code == 302
    assert set(Price.objects.filter(product__in=products).values_list("amount", flat=True)) == {Decimal("19.90")}
    assert [versions(p) for p in products] == [3, 3, 2]

    response = admin_client.post(changelist, {**selection, "apply": "1", "operation": "status",
                                              "status": "discontinued"})
    assert set(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("status", flat=True)) == {
        "discontinued"}
    assert Category.objects.count() == 2


def test_recording_many_products_costs_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(count):
        products = [make_product(names={"en": f"Item {i}", "fi": f"Tuote {i}"}, price="3.00") for i in range(count)]
        with CaptureQueriesContext(connection) as queries:
            recorded = history.record_many(products)
        assert len(recorded) == count
        return len(queries)

    small, large = cost(3), cost(30)
    assert small == large, f"{small} queries for 3 products, {large} for 30"


def test_the_scheduler_prunes_history_daily_by_the_settings(settings):
    from publishing.scheduler import DUTIES, OK, Scheduler

    [duty] = [duty for duty in DUTIES if duty.path == "catalog.history.prune_by_settings"]
    assert duty.interval == 24 * 3600
    product = renamed_versions(5)
    ProductHistory.objects.filter(pk=ProductHistory.objects.order_by("pk").first().pk).update(
        created_at=timezone.now() - timedelta(days=40))
    settings.PIM_HISTORY_RETENTION_DAYS, settings.PIM_HISTORY_KEEP_VERSIONS = 30, None

    scheduler = Scheduler([duty], close_connections=lambda: None)
    assert scheduler.run_pending() == [(duty.name, OK)]
    assert versions(product) == 4  # the one older than 30 days went
    assert scheduler.run_pending() == []  # not due again before a day has passed

    settings.PIM_HISTORY_RETENTION_DAYS, settings.PIM_HISTORY_KEEP_VERSIONS = None, 2
    assert Scheduler([duty], close_connections=lambda: None).run_pending() == [(duty.name, OK)]
    assert versions(product) == 2
    settings.PIM_HISTORY_KEEP_VERSIONS = None
    assert history.prune_by_settings() == 0

"""Optimistic locking: updates carry the version they read; stale ones are refused."""

import threading

import pytest
from django.db import connection, connections

from catalog import services
from catalog.models import Product

from .conftest import product_payload

URL = "/api/v1/products/DRILL-18V/"


def create(api):
    response = api.post("/api/v1/products/", product_payload(), format="json")
    assert response.status_code == 201, response.content
    return response


@pytest.mark.django_db
def test_without_a_version_the_answer_is_428(api, refs):
    create(api)
    for method in (api.patch, api.put):
        response = method(URL, {"translations": {"fi": {"name": "Uusi"}}}, format="json")
        assert response.status_code == 428
        assert response.json()["code"] == "version_required"
        assert "If-Match" in response.json()["detail"]
    assert Product.objects.get(sku="DRILL-18V").version == 1


@pytest.mark.django_db
def test_a_stale_version_is_refused_with_the_current_one(api, refs):
    create(api)
    read = api.get(URL)
    version = read["ETag"]  # '"1"'
    first = api.patch(URL, {"mpn": "FIRST"}, format="json", HTTP_IF_MATCH=version)
    assert first.status_code == 200 and first.json()["version"] == 2 and first["ETag"] == '"2"'
    second = api.patch(URL, {"mpn": "SECOND"}, format="json", HTTP_IF_MATCH=version)
    assert second.status_code == 412
    assert second.json() == {
        "detail": "The product was changed after you read it (now version 2). Read it again and repeat your change.",
        "code": "version_conflict",
        "current_version": 2,
    }
    body_version = api.put(URL, {**product_payload(), "mpn": "THIRD", "version": 1}, format="json")
    assert body_version.status_code == 412 and body_version.json()["current_version"] == 2
    assert Product.objects.get(sku="DRILL-18V").mpn == "FIRST"
    retried = api.patch(URL, {"mpn": "SECOND"}, format="json", HTTP_IF_MATCH='"2"')
    assert retried.status_code == 200 and retried.json()["version"] == 3


@pytest.mark.django_db
def test_a_malformed_version_is_a_validation_error(api, refs):
    create(api)
    response = api.patch(URL, {"mpn": "X"}, format="json", HTTP_IF_MATCH="latest")
    assert response.status_code == 400 and "If-Match" in response.json()["errors"]
    response = api.patch(URL, {"mpn": "X", "version": "one"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


@pytest.mark.django_db
def test_service_refuses_a_stale_version_and_keeps_the_row(refs):
    product = services.create_product(product_payload())
    assert product.version == 1
    updated = services.update_product(product, {"mpn": "A"}, expected_version=1, partial=True)
    assert updated.version == 2
    with pytest.raises(services.VersionConflict) as conflict:
        services.update_product(product, {"mpn": "B"}, expected_version=1, partial=True)
    assert conflict.value.current_version == 2
    assert Product.objects.get(pk=product.pk).mpn == "A"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_with_the_same_version_only_one_wins(refs):
    product = services.create_product(product_payload())
    barrier = threading.Barrier(2)
    outcomes = []

    def writer(mpn):
        try:
            barrier.wait(10)
            services.update_product(product, {"mpn": mpn}, expected_version=1, partial=True)
            outcomes.append(("saved", mpn))
        except services.VersionConflict as exc:
            outcomes.append(("conflict", exc.current_version))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(mpn,)) for mpn in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
    winner = next(value for kind, value in outcomes if kind == "saved")
    assert ("conflict", 2) in outcomes
    stored = Product.objects.get(pk=product.pk)
    assert stored.version == 2 and stored.mpn == winner

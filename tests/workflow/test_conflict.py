"""Two editors saving the same product in the admin: the second is refused
and sees both versions."""

import threading

import pytest
from django.db import connection, connections

from catalog.models import Product
from tests.factories import make_product

from .conftest import change_url, errors_of, form_data

pytestmark = pytest.mark.django_db


def test_a_conflicting_admin_save_is_refused_and_both_versions_are_shown(admin_client, client, editor):
    product = make_product(names={"en": "Drill", "fi": "Porakone"}, mpn="M-0")
    url = change_url(product)
    client.force_login(editor)
    mine = form_data(admin_client.get(url))   # the first editor opens the form…
    theirs = form_data(client.get(url))       # …and so does the second

    theirs.update(name="Drill by them", mpn="M-THEIRS")
    assert client.post(url, theirs).status_code == 302

    mine.update(name="Drill by me")
    response = admin_client.post(url, mine)
    assert response.status_code == 200
    assert any("saved by someone else" in str(message) for message in errors_of(response))
    page = response.content.decode()
    assert "Drill by them" in page and "Drill by me" in page  # both versions
    assert "M-THEIRS" in page  # what the other editor changed
    stored = Product.objects.get(pk=product.pk)
    assert stored.safe_translation_getter("name", language_code="en") == "Drill by them"
    assert stored.mpn == "M-THEIRS"


def test_a_save_through_the_api_meanwhile_is_a_conflict_in_the_admin_too(admin_client, editor):
    import base64

    from rest_framework.test import APIClient

    product = make_product(sku="MIX-1", names={"en": "Drill", "fi": "Porakone"}, mpn="M-0")
    url = change_url(product, "fi")
    mine = form_data(admin_client.get(url))  # an editor opens the Finnish tab

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"editor-1:pw-for-tests-only").decode())
    response = api.patch("/api/v1/products/MIX-1/", {"translations": {"fi": {"name": "Porakone API"}}, "mpn": "M-API"},
                         format="json", HTTP_IF_MATCH=f'"{product.version}"')
    assert response.status_code == 200, response.content

    mine.update(name="Porakone minun")
    response = admin_client.post(url, mine)
    assert response.status_code == 200
    assert any("saved by someone else" in str(message) for message in errors_of(response))
    page = response.content.decode()
    assert "Porakone API" in page and "Porakone minun" in page and "M-API" in page
    stored = Product.objects.get(pk=product.pk)
    assert stored.safe_translation_getter("name", language_code="fi") == "Porakone API"
    assert stored.mpn == "M-API"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: simultaneous admin saves")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_admin_saves_of_one_version_cannot_both_win(django_user_model, monkeypatch):
    """Both editors opened version 1 and press save at the same moment: the
    version check and the write must not interleave, or the later write
    would silently replace the earlier one."""
    from django.test import Client

    from catalog.admin.products import ProductAdminForm

    product = make_product(sku="RACE-1", names={"en": "Drill"}, mpn="M-0")
    url = change_url(product)
    users = [django_user_model.objects.create_superuser(f"racer-{n}", f"r{n}@example.com", "pw") for n in (1, 2)]
    clients = [Client() for _user in users]
    forms = []
    for client, user in zip(clients, users):
        client.force_login(user)
        forms.append(form_data(client.get(url)))

    # Both saves pass the version check before either writes, unless the
    # first holds the row: then the second waits and the barrier times out.
    barrier = threading.Barrier(2)
    original_clean = ProductAdminForm.clean

    def clean_together(self):
        cleaned = original_clean(self)
        try:
            barrier.wait(3)
        except threading.BrokenBarrierError:
            pass
        return cleaned

    monkeypatch.setattr(ProductAdminForm, "clean", clean_together)
    statuses = {}

    def save(index):
        try:
            data = {**forms[index], "mpn": f"M-{index + 1}"}
            statuses[index] = clients[index].post(url, data).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) == [200, 302]  # one saved, one refused with the conflict page
    winner = next(index for index, code in statuses.items() if code == 302)
    stored = Product.objects.get(pk=product.pk)
    assert stored.mpn == f"M-{winner + 1}" and stored.version == product.version + 1

"""Two editors saving the same product in the admin: the second is refused
and sees both versions."""

import pytest

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

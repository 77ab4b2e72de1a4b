"""A renamed product's old addresses answer 301 to its current page, through the real publish path."""

import pytest

from catalog.models import Product
from publishing.models import RetiredSlug
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel, unpublish
from tests.publishing.helpers import make_channel, make_complete_product

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


@pytest.fixture
def channel(db):
    return make_channel("web", languages=("en", "hu"))


def republish(channel):
    publish_channel(channel)
    stamp_pending()  # what the commit of a real publish triggers


def rename_slug(product, language, slug):
    product = Product.objects.get(pk=product.pk)
    product.set_current_language(language)
    product.slug = slug
    product.save()
    return product


@pytest.fixture
def drill(channel):
    product = make_complete_product(sku="DR-9", names={"en": "Cordless drill", "hu": "Akkus fúró"})
    rename_slug(product, "hu", "akkus-fúró")
    rename_slug(product, "en", "cordless-drill")
    republish(channel)
    return product


def test_changed_slug_answers_301_to_the_new_page(client, channel, drill):
    assert client.get("/hu/p/akkus-f%C3%BAr%C3%B3/").status_code == 200
    rename_slug(drill, "hu", "akkus-fúró-pro")
    republish(channel)

    response = client.get("/hu/p/akkus-f%C3%BAr%C3%B3/")
    assert response.status_code == 301
    assert response["Location"] == "/hu/p/akkus-f%C3%BAr%C3%B3-pro/"
    assert client.get(response["Location"]).status_code == 200
    # the other language kept its slug and its page
    assert client.get("/en/p/cordless-drill/").status_code == 200


def test_a_chain_of_renames_goes_straight_to_the_latest(client, channel, drill):
    rename_slug(drill, "en", "cordless-drill-2")
    republish(channel)
    rename_slug(drill, "en", "cordless-drill-3")
    republish(channel)

    for old in ("/en/p/cordless-drill/", "/en/p/cordless-drill-2/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, "/en/p/cordless-drill-3/")


def test_a_slug_reused_by_another_product_wins_over_the_history(client, channel, drill):
    rename_slug(drill, "en", "cordless-drill-pro")
    republish(channel)
    assert client.get("/en/p/cordless-drill/").status_code == 301

    other = make_complete_product(sku="DR-10", names={"en": "Another drill", "hu": "Másik fúró"})
    rename_slug(other, "en", "cordless-drill")
    republish(channel)

    response = client.get("/en/p/cordless-drill/")
    assert response.status_code == 200
    assert "Another drill" in response.content.decode()
    # the history no longer claims the address: once the new owner is withdrawn
    # it is gone, not a redirect to the product that used it before
    unpublish(other, channel)
    stamp_pending()
    assert client.get("/en/p/cordless-drill/").status_code == 404


def test_an_unchanged_republish_records_nothing(client, channel, drill):
    republish(channel)
    assert RetiredSlug.objects.count() == 0
    assert client.get("/en/p/cordless-drill-old/").status_code == 404

"""Translation flags through the write API, with Finnish as the source
language: a changed Finnish text outdates the other languages even when the
whole product is sent back (PUT), and only a language whose own texts
changed counts as updated by its translator."""

import pytest

from catalog import services, translation_workflow
from catalog.models import Product

from .conftest import product_payload

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/products/DRILL-18V/"


@pytest.fixture(autouse=True)
def finnish_source(settings):
    settings.PIM_SOURCE_LANGUAGE = "fi"


@pytest.fixture
def drill(refs):
    payload = product_payload()
    payload["translations"]["hu"] = {"name": "Akkus fúró"}
    product = services.create_product(payload)
    translation_workflow.source_changed(product)  # the starting point: every translation current
    return product


def test_put_of_the_whole_product_with_a_new_finnish_name_outdates_the_others(api, drill):
    body = api.get(DETAIL).json()
    body["translations"]["fi"]["name"] = "Akkuporakone 18 V Pro"
    response = api.put(DETAIL, body, format="json", HTTP_IF_MATCH=str(body["version"]))
    assert response.status_code == 200, response.content
    assert translation_workflow.outdated_languages(drill) == {"ru", "hu"}

    # The whole product again, the Hungarian text translated anew: hu alone clears.
    body = api.get(DETAIL).json()
    body["translations"]["hu"]["name"] = "Akkus fúró Pro"
    response = api.put(DETAIL, body, format="json", HTTP_IF_MATCH=str(body["version"]))
    assert response.status_code == 200, response.content
    assert translation_workflow.outdated_languages(drill) == {"ru"}


def test_patch_confirms_only_the_languages_whose_texts_changed(api, drill):
    version = Product.objects.get(pk=drill.pk).version
    response = api.patch(DETAIL, {"translations": {
        "fi": {"name": "Porakone uusi"},
        "ru": {"name": "Аккумуляторная дрель 18 В"},  # resent as it was: not a new translation
        "hu": {"name": "Új fúró"},
    }}, format="json", HTTP_IF_MATCH=str(version))
    assert response.status_code == 200, response.content
    assert translation_workflow.outdated_languages(drill) == {"ru"}

"""Translation workflow with Finnish as the source language: a changed
Finnish text outdates the other languages; an XLIFF round trip clears
exactly the flags of the language it carries."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog import translation_workflow
from catalog.models import Product
from catalog.xliff import XliffError, export_xliff, import_xliff
from tests.factories import make_product

from .conftest import change_url, errors_of, post_form

pytestmark = pytest.mark.django_db

NAMES = {"fi": "Porakone", "en": "Drill", "hu": "Fúrógép", "ru": "Дрель"}


@pytest.fixture(autouse=True)
def finnish_source(settings):
    settings.PIM_SOURCE_LANGUAGE = "fi"


def _product(sku="TR-1"):
    product = make_product(sku=sku, names=NAMES)
    translation_workflow.source_changed(product)  # the starting point: all current
    return product


def test_changing_the_finnish_source_name_flags_the_other_languages(admin_client):
    product = _product()
    assert translation_workflow.outdated_languages(product) == set()

    # An English edit changes nothing for the others.
    assert post_form(admin_client, change_url(product, "en"), name="Drill 2").status_code == 302
    assert translation_workflow.outdated_languages(product) == set()

    response = post_form(admin_client, change_url(product, "fi"), name="Porakone Ärjy")
    assert response.status_code == 302, errors_of(response)
    assert translation_workflow.outdated_languages(product) == {"en", "hu", "ru"}
    assert [p.sku for p in translation_workflow.worklist("hu")["outdated"]] == ["TR-1"]

    # The Hungarian translator updates the text: that flag alone clears.
    assert post_form(admin_client, change_url(product, "hu"), name="Fúrógép Ő").status_code == 302
    assert translation_workflow.outdated_languages(product) == {"en", "ru"}
    assert translation_workflow.worklist("hu")["outdated"] == []


def test_xliff_round_trip_clears_exactly_that_languages_flags(admin_client, tmp_path):
    product = _product()
    untouched = _product("TR-2")
    post_form(admin_client, change_url(product, "fi"), name="Porakone Ärjy")
    assert translation_workflow.outdated_languages(product) == {"en", "hu", "ru"}

    content = export_xliff("hu")
    text = content.decode()
    assert "Porakone Ärjy" in text and "Fúrógép" in text and 'target-language="hu"' in text

    # Imported unchanged (the translator confirms): lossless, flags cleared for hu only.
    language, changed = import_xliff(content)
    assert (language, changed) == ("hu", [])
    assert translation_workflow.outdated_languages(product) == {"en", "ru"}
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="hu") == "Fúrógép"
    assert export_xliff("hu") == content

    # A translated file writes the new text; through the command too.
    translated = content.replace("<target>Fúrógép</target>".encode(), "<target>Fúrógép Ő</target>".encode(), 1)
    path = tmp_path / "hu.xlf"
    path.write_bytes(translated)
    call_command("import_xliff", str(path))
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="hu") == "Fúrógép Ő"
    assert translation_workflow.outdated_languages(product) == {"en", "ru"}
    assert translation_workflow.outdated_languages(untouched) == set()


def test_a_file_whose_source_changed_since_export_is_refused(admin_client, tmp_path):
    product = _product()
    content = export_xliff("ru")
    post_form(admin_client, change_url(product, "fi"), name="Porakone Uusi")
    changed = content.replace("<target>Дрель</target>".encode(), "<target>Дрель Ж</target>".encode())
    with pytest.raises(XliffError, match="source text changed"):
        import_xliff(changed)
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="ru") == "Дрель"
    path = tmp_path / "ru.xlf"
    path.write_bytes(changed)
    with pytest.raises(CommandError, match="source text changed"):
        call_command("import_xliff", str(path))


def test_hungarian_translator_cannot_import_finnish(hu_translator):
    _product()
    with pytest.raises(XliffError):
        import_xliff(export_xliff("en"), user=hu_translator)


def test_translator_worklist_in_the_admin_with_xliff(client, hu_translator, admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    product = _product()
    make_product(sku="TR-MISSING", names={"fi": "Saha", "en": "Saw"})
    post_form(admin_client, change_url(product, "fi"), name="Porakone Ärjy")
    url = reverse("admin:catalog_product_translations")
    client.force_login(hu_translator)
    page = client.get(url).content.decode()
    assert "TR-1" in page and "TR-MISSING" in page
    assert client.get(url + "?language=en").status_code == 403  # not one of their languages

    content = client.get(url + "?language=hu&format=xliff").content
    assert b"Porakone \xc3\x84rjy" in content
    upload = SimpleUploadedFile("hu.xlf", content.replace("<target>Fúrógép</target>".encode(),
                                                          "<target>Fúrógép új</target>".encode()))
    assert client.post(url + "?language=hu", {"xliff": upload}).status_code == 302
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="hu") == "Fúrógép új"
    assert translation_workflow.outdated_languages(product) == {"en", "ru"}


def test_xliff_keeps_its_default_namespace_whatever_other_libraries_register(monkeypatch):
    import xml.etree.ElementTree as ElementTree

    _product()
    # A copy of the process-wide map, put back after the test.
    monkeypatch.setattr(ElementTree, "_namespace_map", dict(ElementTree._namespace_map))
    ElementTree.register_namespace("", "")  # what PDF metadata writers do process-wide
    content = export_xliff("hu")
    assert b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2"' in content
    assert "<target>Fúrógép</target>".encode() in content


def _hu_name(product):
    return Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="hu")


def test_an_empty_target_leaves_the_text_alone():
    product = _product()
    content = export_xliff("hu")
    for empty in ("<target/>", "<target></target>", "<target>  </target>"):
        emptied = content.replace("<target>Fúrógép</target>".encode(), empty.encode())
        assert emptied != content
        language, changed = import_xliff(emptied)
        assert (language, changed) == ("hu", [])
        assert _hu_name(product) == "Fúrógép"


def test_a_file_into_the_source_language_or_an_unknown_one_is_refused():
    product = _product()
    content = export_xliff("hu")
    into_source = content.replace(b'target-language="hu"', b'target-language="fi"') \
        .replace("<target>Fúrógép</target>".encode(), "<target>Vasara</target>".encode())
    with pytest.raises(XliffError, match="the language texts are written in"):
        import_xliff(into_source)
    with pytest.raises(XliffError, match="not one of"):
        import_xliff(content.replace(b'target-language="hu"', b'target-language="xx"'))
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="fi") == "Porakone"


def test_a_target_with_inline_markup_is_refused_not_flattened():
    product = _product()
    content = export_xliff("hu")
    marked = content.replace("<target>Fúrógép</target>".encode(),
                             '<target>Fúrógép <g id="1" ctype="bold">Ő</g> új</target>'.encode())
    with pytest.raises(XliffError, match="Inline markup") as refused:
        import_xliff(marked)
    assert "TR-1/name" in str(refused.value)
    with pytest.raises(XliffError, match="Inline markup"):
        import_xliff(content.replace("<target>Fúrógép</target>".encode(),
                                     '<target>Fúró<x id="2"/>gép</target>'.encode()))
    assert _hu_name(product) == "Fúrógép"

"""The datasheet opened as a real PDF: every attribute with its unit, relations, fonts, QR code to the product page."""

from unittest import mock

import pytest
from django.conf import settings

from publishing.models import ProductSnapshot
from publishing.pdf.common import RenderInputError
from publishing.pdf.datasheet import render_datasheet
from tests.pdf.pdfutil import artifact_path, decode_page, fonts, page_texts, spaces

pytestmark = pytest.mark.django_db


def _document(sku, locale):
    return ProductSnapshot.objects.get(channel__code="print", sku=sku, locale=locale).document


def test_datasheet_lists_every_attribute_with_units_variants_and_relations(catalog):
    path = artifact_path(render_datasheet("PDF-00001", "fi"))
    text = spaces("\n".join(page_texts(path)))
    document = _document("PDF-00001", "fi")
    assert document["attributes"]
    for attribute in document["attributes"]:
        assert attribute["label"] in text and spaces(attribute["display"]) in text
    assert any(a["unit"] == "kg" for a in document["attributes"]) and " kg" in text
    for variant in document["variants"]:
        assert variant["sku"] in text and variant["gtin"] in text
    assert "Varaosat" in text and "Pyörösaha" in text  # spare parts, in Finnish
    assert "Lisävarusteet" in text and "Kulmahiomakone" in text  # accessories
    assert all(emb == "yes" for _n, _t, emb in fonts(path))


def test_russian_datasheet_is_in_cyrillic(catalog):
    text = "\n".join(page_texts(artifact_path(render_datasheet("PDF-00001", "ru"))))
    assert "Аккумуляторная дрель" in text and "Мощность" in text and "Вт" in text


def test_datasheet_qr_code_decodes_to_the_product_page(catalog, tmp_path):
    artifact = render_datasheet("PDF-00001", "ru")
    url = _document("PDF-00001", "ru")["url"]
    assert url.startswith("http") and "%D0" in url  # a Cyrillic slug, percent-encoded
    decoded = decode_page(artifact_path(artifact), 1, dpi=300, tmp_dir=tmp_path)
    assert ("QR Code", url) in decoded


def test_datasheet_is_cached_and_unknown_sku_is_refused(catalog):
    first = render_datasheet("PDF-00002", "en")
    with mock.patch("publishing.pdf.render.render_pdf") as render:
        assert render_datasheet("PDF-00002", "en").pk == first.pk
    render.assert_not_called()
    with pytest.raises(RenderInputError, match="Unknown SKU: NOPE"):
        render_datasheet("NOPE", "en")


def test_external_image_in_a_description_is_refused_without_a_request(catalog, no_network):
    from publishing.jobs import start_job
    from publishing.models import Job
    from publishing.sequencing import stamp_pending
    from publishing.services import publish

    product = catalog["products"][1]
    product.set_current_language("fi")
    product.description = ('<p>Katso kuva <img src="http://example.com/tracker.png" alt="x"> '
                           '<img src="file:///etc/passwd" alt="y"></p>')
    product.save()
    publish(product, catalog["channel"])
    stamp_pending()
    description = _document(product.sku, "fi")["description"]
    job = start_job("render_datasheet", {"sku": product.sku, "locale": "fi"})
    assert job.status == Job.Status.SUCCEEDED, job.error
    text = "\n".join(page_texts(artifact_path(job.artifact)))
    assert "Katso kuva" in text
    assert "http://example.com/tracker.png" in description  # the sanitiser keeps http images
    assert job.artifact.meta["refused_urls"] == ["http://example.com/tracker.png"]
    assert "Refused http://example.com/tracker.png" in job.log


def test_datasheet_lists_the_documents_of_its_own_language(db, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from catalog.models import ProductDocument
    from publishing.sequencing import stamp_pending
    from tests.pdf.builders import build_catalog

    with django_capture_on_commit_callbacks(execute=True):  # the set-up's own refresh runs here
        product = build_catalog(3)["products"][0]
    with django_capture_on_commit_callbacks(execute=True):  # an upload republishes the product
        for language, title in (("fi", "Käyttöohje ja turvallisuusohjeet"), ("ru", "Руководство по эксплуатации")):
            ProductDocument.objects.create(
                product=product, language_code=language, kind=ProductDocument.Kind.MANUAL, title=title,
                file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"manual-{language}.pdf"),
            )
    stamp_pending()
    finnish = _document(product.sku, "fi")["documents"]
    assert [(d["title"], d["kind"]) for d in finnish] == [("Käyttöohje ja turvallisuusohjeet", "manual")]
    assert finnish[0]["url"].startswith(settings.PIM_MEDIA_URL + "documents/manual-fi")

    text = spaces("\n".join(page_texts(artifact_path(render_datasheet(product.sku, "fi")))))
    assert "Dokumentit" in text  # the section heading, in Finnish
    assert "Käyttöohje ja turvallisuusohjeet" in text
    assert "Руководство" not in text and "manual-ru" not in text
    russian = spaces("\n".join(page_texts(artifact_path(render_datasheet(product.sku, "ru")))))
    assert "Документы" in russian and "Руководство по эксплуатации" in russian and "Käyttöohje" not in russian

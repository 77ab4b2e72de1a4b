"""The PDF catalog opened as a real PDF: languages, page numbers, contents, fonts, prices, cache, failures."""

import re
from unittest import mock

import pytest
from django.utils import translation
from django.utils.translation import gettext

from pim.formatting import format_money
from publishing.artifacts import latest_artifact
from publishing.jobs import start_job
from publishing.models import Job, ProductSnapshot
from publishing.pdf.catalog import render_catalog
from publishing.pdf.common import RenderInputError
from tests.pdf.feedcheck import euros_comma, feed_client, feed_document, paid_amount
from tests.pdf.pdfutil import anchored_texts, artifact_path, fonts, image_count, page_count, page_texts, spaces

pytestmark = pytest.mark.django_db


def _documents(locale):
    return [s.document for s in ProductSnapshot.objects.filter(channel__code="print", locale=locale, deleted=False)]


def _heading_on(title, page_text):
    """The chapter heading is a line of its own (the running header shares its line)."""
    return title in [line.strip() for line in page_text.splitlines()]


def test_finnish_catalog_has_names_prices_with_decimal_comma_and_images(catalog):
    artifact = render_catalog("print", "fi")
    path = artifact_path(artifact)
    text = "\n".join(page_texts(path))
    documents = _documents("fi")
    assert len(documents) == 6
    for document in documents:
        assert document["name"] in text
        # the price the feed carries ("97.95"), written the Finnish way ("97,95 €")
        expected = spaces(format_money(document["price"]["amount"], "EUR", "fi"))
        assert "," in expected and expected in text
    assert "Akkuporakone" in text and "Kulmahiomakone" in text
    assert "4,1 kg" in text or any(a["display"] in text for d in documents for a in d["attributes"])
    assert image_count(path) >= 4  # main images came from local media through the fetcher
    assert artifact.meta["products"] == 6 and artifact.meta["pages"] == page_count(path)


def test_printed_prices_equal_the_feeds_for_the_same_channel_and_locale(catalog):
    path = artifact_path(render_catalog("print", "fi"))
    blocks = {sku: spaces(text) for sku, text in anchored_texts(path).items()}
    skus = sorted(d["sku"] for d in _documents("fi"))
    assert sorted(blocks) == skus
    client = feed_client("print")
    variant_prices = 0
    for sku in skus:
        document = feed_document(client, "print", sku, "fi")
        block = blocks[sku]
        # the block is this product's, and only this one's
        assert f"SKU {sku}" in block and document["name"] in block
        assert not any(f"SKU {other} " in block for other in skus if other != sku)
        assert euros_comma(paid_amount(document["price"])) in block
        for variant in document["variants"]:
            assert variant["sku"] in block and euros_comma(paid_amount(variant["price"])) in block
            variant_prices += 1
    assert variant_prices >= 2


def test_russian_catalog_has_cyrillic_names_and_every_font_embedded(catalog):
    path = artifact_path(render_catalog("print", "ru"))
    text = "\n".join(page_texts(path))
    for name in ("Аккумуляторная дрель", "Угловая шлифмашина", "Садовый шланг", "Электроинструменты"):
        assert name in text
    used = fonts(path)
    assert used, "no fonts in the PDF"
    assert all(emb == "yes" for _name, _type, emb in used), used
    assert any("Noto" in name for name, _type, _emb in used)


def test_footer_page_x_of_y_matches_the_real_page_count(catalog):
    artifact = render_catalog("print", "en")
    path = artifact_path(artifact)
    pages = page_texts(path)
    total = page_count(path)
    assert len(pages) == total >= 4
    for number, text in enumerate(pages, start=1):
        found = re.findall(r"Page (\d+) of (\d+)", text)
        if number == 1:
            assert not found  # the cover has no footer
            continue
        assert found == [(str(number), str(total))], (number, text[-200:])
        # the running footer also carries the catalog version
        assert f"version {artifact.meta['version']}" in text


def test_contents_page_numbers_point_to_where_chapters_start(catalog):
    path = artifact_path(render_catalog("print", "en"))
    pages = page_texts(path)
    toc = pages[1]
    entries = re.findall(r"^\s*(\S[^.\n]*?)\s*\.{3,}\s*(\d+)\s*$", toc, flags=re.M)
    assert {title for title, _ in entries} == {"Power tools", "Garden", "Hand tools"}
    for title, number in entries:
        number = int(number)
        # the chapter heading is on that page, and no earlier content page has it
        assert _heading_on(title, pages[number - 1])
        assert not any(_heading_on(title, pages[p]) for p in range(2, number - 1))


def test_cover_shows_generation_date_and_catalog_version(catalog):
    artifact = render_catalog("print", "en")
    cover = page_texts(artifact_path(artifact))[0]
    max_seq = max(ProductSnapshot.objects.filter(channel__code="print", locale="en").values_list("seq", flat=True))
    assert artifact.meta["version"] == max_seq
    assert re.search(rf"Catalog version\s+{max_seq}\b", cover)
    assert "Generated" in cover


def test_unchanged_catalog_is_not_rendered_again(catalog):
    first = render_catalog("print", "fi")
    with mock.patch("publishing.pdf.render.render_pdf") as render:
        second = render_catalog("print", "fi")
    render.assert_not_called()
    assert second.pk == first.pk


def test_changed_document_renders_a_new_catalog(catalog):
    from publishing.sequencing import stamp_pending
    from publishing.services import publish

    first = render_catalog("print", "fi")
    product = catalog["products"][0]
    product.set_current_language("fi")
    product.name = "Uusi akkuporakone"
    product.save()
    publish(product, catalog["channel"])
    stamp_pending()
    second = render_catalog("print", "fi")
    assert second.pk != first.pk
    assert "Uusi akkuporakone" in "\n".join(page_texts(artifact_path(second)))


def test_job_reports_progress_per_product_and_phase_and_attaches_the_pdf(catalog):
    job = start_job("render_catalog", {"channel": "print", "locale": "fi"})
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 100
    assert job.artifact is not None and job.artifact.kind == "catalog"
    assert "preparing product blocks" in job.log
    assert "laying out pages" in job.log and "writing PDF" in job.log
    # an intermediate value was recorded, not only 0 and done
    fractions = re.findall(r"(\d+)/(\d+)", job.log)
    assert any(0 < int(done) < int(total) for done, total in fractions)


def test_failed_render_keeps_the_previous_pdf_and_shows_the_error(catalog):
    good = start_job("render_catalog", {"channel": "print", "locale": "fi"}).artifact
    # a new document, so the cache does not answer, and a broken renderer
    ProductSnapshot.objects.filter(channel__code="print", locale="fi", sku="PDF-00001").update(content_hash="changed")
    with mock.patch("publishing.pdf.render.HTML", side_effect=RuntimeError("template exploded")):
        job = start_job("render_catalog", {"channel": "print", "locale": "fi"}, max_attempts=1)
    assert job.status == Job.Status.FAILED
    assert "template exploded" in job.error
    assert job.artifact is None
    previous = latest_artifact("catalog", channel=catalog["channel"], locale="fi", format="pdf")
    assert previous.pk == good.pk and previous.file.storage.exists(previous.file.name)


def test_unknown_channel_or_locale_is_a_clear_error(catalog):
    with pytest.raises(RenderInputError, match="Unknown channel: nope"):
        render_catalog("nope", "fi")
    with pytest.raises(RenderInputError, match="Unknown locale: xx"):
        render_catalog("print", "xx")
    with pytest.raises(RenderInputError, match="does not publish in hu"):
        render_catalog("print", "hu")
    job = start_job("render_catalog", {"channel": "nope", "locale": "fi"})
    assert job.status == Job.Status.FAILED and "Unknown channel" in job.error


def test_catalog_rendered_in_parts_keeps_page_numbers_contents_and_fonts(catalog, settings):
    from pypdf import PdfReader

    settings.PIM_PDF_PART_PRODUCTS = 1  # six parts, two processes at a time
    settings.PIM_PDF_WORKERS = 2
    job = start_job("render_catalog", {"channel": "print", "locale": "ru"})
    assert job.status == Job.Status.SUCCEEDED, job.error
    artifact = job.artifact
    assert artifact.meta["parts"] == 6 and "part 3 of 6 laid out" in job.log
    path = artifact_path(artifact)
    pages = page_texts(path)
    total = page_count(path)
    assert len(pages) == total == artifact.meta["pages"]
    # The running footer speaks the catalog's language: "Страница 2 из 8".
    with translation.override("ru"):
        footer = rf"{gettext('Page')} (\d+) {gettext('of')} (\d+)"
    assert footer.startswith("Страница")
    for number, text in enumerate(pages[1:], start=2):
        assert re.findall(footer, text) == [(str(number), str(total))], number
        assert re.search(rf"· \S+ {artifact.meta['version']}\b", text)  # "· версия N" in the footer
    entries = re.findall(r"^\s*(\S[^.\n]*?)\s*\.{3,}\s*(\d+)\s*$", pages[1], flags=re.M)
    assert {title for title, _ in entries} == {"Электроинструменты", "Сад", "Ручные инструменты"}
    for title, number in entries:
        assert _heading_on(title, pages[int(number) - 1])
        assert not any(_heading_on(title, pages[p]) for p in range(2, int(number) - 1))
    text = "\n".join(pages)
    for document in _documents("ru"):
        assert document["name"] in text
    assert all(emb == "yes" for _n, _t, emb in fonts(path))
    reader = PdfReader(str(path))

    def flat(items):
        for item in items:
            yield from flat(item) if isinstance(item, list) else [item]

    bookmarks = {item.title: reader.get_destination_page_number(item) + 1 for item in flat(reader.outline)}
    for title, number in entries:  # the chapter bookmarks lead to the chapters' pages
        assert bookmarks[title] == int(number)


def test_worker_knows_every_pdf_job_kind():
    from publishing.jobs import registered_kinds

    assert {"render_catalog", "render_datasheet", "render_labels", "render_brochure"} <= set(registered_kinds())

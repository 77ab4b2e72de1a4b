"""Screen variant, caching, failures, skipped products, the render_brochure job kind and command."""

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

import publishing.pdf.brochure_jobs  # noqa: F401  (registers the job kind in these tests)
from catalog.models import Product
from publishing.artifacts import latest_artifact
from publishing.jobs import start_job
from publishing.models import Artifact, BrochureItem, Job, ShortLink
from publishing.pdf import render as pdf_render
from publishing.pdf.brochure import render_brochure
from tests.brochure import pdfcheck
from tests.pdf.pdfutil import artifact_path, page_texts, spaces


def test_screen_variant_is_rgb_without_bleed(campaign):
    artifact = render_brochure("spring", "fi", variant="screen")
    reader = PdfReader(str(artifact_path(artifact)))
    for media, bleed, trim in pdfcheck.boxes(reader):
        assert trim in (None, media) and bleed in (None, media)
        assert (round((media[2] - media[0]) * 25.4 / 72), round((media[3] - media[1]) * 25.4 / 72)) == (210, 297)
    assert pdfcheck.output_intents(reader) == []
    images = pdfcheck.images(reader)
    assert len(images) == 6 and all(space == "/DeviceRGB" for space, _w, _h in images)
    assert pdfcheck.operator_counts(reader, [b"rg"])[b"rg"] > 0
    text = spaces("\n".join(page_texts(artifact_path(artifact))))
    assert "Kevään työkalut" in text and "Akkuporakone" in text
    assert artifact.meta["warnings"] == []  # resolution is a print concern
    # same short links as the print variant of that language
    printed = render_brochure("spring", "fi", variant="print")
    assert printed.meta["short_links"] == artifact.meta["short_links"]
    assert printed.pk != artifact.pk


def test_unchanged_brochure_is_not_rendered_again(campaign, monkeypatch):
    first = render_brochure("spring", "en", variant="print")

    def fail(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf_render, "render_pdf", fail)
    logs = []
    again = render_brochure("spring", "en", variant="print", log=lambda m, level="info": logs.append(m))
    assert again.pk == first.pk
    assert any("Unchanged" in line for line in logs)
    monkeypatch.undo()
    # anything that shapes the PDF makes a new one: a brochure field, the item order
    brochure = campaign["brochure"]
    brochure.promo_code = "SUMMER26"
    brochure.save()
    second = render_brochure("spring", "en", variant="print")
    assert second.pk != first.pk and "SUMMER26" in spaces(page_texts(artifact_path(second))[0])
    BrochureItem.objects.filter(brochure=brochure, position=0).update(position=99)
    assert render_brochure("spring", "en", variant="print").pk != second.pk


def test_failed_render_keeps_the_previous_pdf(campaign, monkeypatch):
    job = start_job("render_brochure", {"code": "spring", "locale": "en", "variant": "print"})
    assert job.status == Job.Status.SUCCEEDED
    previous = job.artifact
    brochure = campaign["brochure"]
    brochure.promo_code = "BROKEN"
    brochure.save()

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(pdf_render, "render_pdf", broken)
    failed = start_job("render_brochure", {"code": "spring", "locale": "en", "variant": "print"}, max_attempts=1)
    assert failed.status == Job.Status.FAILED and "layout exploded" in failed.error
    assert latest_artifact("brochure", channel=campaign["channel"], locale="en", format="pdf",
                           subject="spring:print").pk == previous.pk
    assert Artifact.objects.filter(kind="brochure").count() == 1


def test_job_reports_progress_per_product_and_attaches_the_pdf(campaign):
    job = start_job("render_brochure", {"code": "spring", "locale": "ru", "variant": "print"})
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert job.artifact.kind == "brochure" and job.artifact.locale == "ru"
    for product in campaign["products"]:
        assert f"product {product.sku}" in job.log or product.sku in job.log
    assert "dpi" in job.log  # the low-resolution warning reaches the job log


def test_progress_moves_through_every_product(campaign):
    calls = []
    render_brochure("spring", "en", variant="screen", progress=lambda done, total, message=None: calls.append(
        (done, total, message)))
    total = calls[0][1]
    assert total == 6 + 2
    done_values = [done for done, _total, _message in calls]
    assert done_values[0] == 0 and done_values[-1] == total
    assert set(range(1, 7)) <= set(done_values)  # one step per product
    assert done_values == sorted(done_values)


def test_unknown_job_parameters_fail_at_once(campaign):
    job = start_job("render_brochure", {"code": "nope", "locale": "en"})
    assert job.status == Job.Status.FAILED and "Unknown brochure" in job.error and job.attempts == 1


def test_products_not_published_in_the_language_are_skipped(campaign):
    from tests.factories import make_product

    hidden = make_product(sku="NOT-PUBLISHED", names={"en": "Unpublished thing"})
    BrochureItem.objects.create(brochure=campaign["brochure"], product=hidden, position=50)
    logs = []
    artifact = render_brochure("spring", "en", variant="screen", log=lambda m, level="info": logs.append((level, m)))
    assert artifact.meta["skipped"] == ["NOT-PUBLISHED"] and artifact.meta["products"] == 6
    assert any(level == "warning" and "NOT-PUBLISHED" in message for level, message in logs)
    assert "Unpublished thing" not in "\n".join(page_texts(artifact_path(artifact)))


def test_short_link_per_brochure_product_language(campaign):
    render_brochure("spring", "bg", variant="print")
    links = ShortLink.objects.filter(brochure=campaign["brochure"], language_code="bg")
    assert sorted(links.values_list("sku", flat=True)) == sorted(p.sku for p in campaign["products"])
    assert not ShortLink.objects.filter(brochure=campaign["brochure"], language_code="hu").exists()


def test_command_writes_the_pdf(campaign, tmp_path, capsys):
    target = tmp_path / "out" / "spring-ru.pdf"
    call_command("render_brochure", "spring", "--locale", "ru", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert pdfcheck.output_intents(PdfReader(str(target)))
    screen = tmp_path / "screen.pdf"
    call_command("render_brochure", "spring", "--locale", "ru", "--output", str(screen), "--variant", "screen")
    assert pdfcheck.output_intents(PdfReader(str(screen))) == []
    assert "Wrote" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["nope", "--locale", "en"], "Unknown brochure: nope"),
    (["spring", "--locale", "hu"], "not printed in hu"),
    (["spring", "--locale", "xx"], "not printed in xx"),
    (["spring", "--locale", "en", "--variant", "cmyk"], "Unknown variant: cmyk"),
])
def test_command_bad_input_is_one_clear_line(campaign, tmp_path, args, message):
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as error:
        call_command("render_brochure", *args, "--output", str(target))
    assert message in str(error.value) and "\n" not in str(error.value)
    assert not target.exists()


def test_brochure_with_nothing_published_is_an_error(campaign):
    from publishing.pdf.common import RenderInputError

    BrochureItem.objects.filter(brochure=campaign["brochure"]).delete()
    BrochureItem.objects.create(brochure=campaign["brochure"], product=Product.objects.create(sku="LONELY"), position=0)
    with pytest.raises(RenderInputError, match="no product published"):
        render_brochure("spring", "en", variant="print")

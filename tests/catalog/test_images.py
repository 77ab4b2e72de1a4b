"""Image uploads are validated with Pillow, stored once per content, and
renditions are made once and reused."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import images
from catalog.models import ImageFile, Rendition

from .conftest import bomb_png, noise_png, png_bytes


def _refusal(data, name="upload.png"):
    with pytest.raises(ValidationError) as caught:
        images.validate_image(SimpleUploadedFile(name, data))
    return caught.value


def test_a_valid_png_is_accepted_with_its_facts():
    info = images.validate_image(SimpleUploadedFile("a.png", png_bytes(40, 30)))
    assert (info.format, info.width, info.height) == ("PNG", 40, 30)
    assert len(info.sha256) == 64


def test_a_non_image_is_refused_with_a_clear_message():
    error = _refusal(b"%PDF-1.4 this is not a picture at all", "manual.png")
    assert error.code == "image_invalid"
    assert "not an image" in error.messages[0]


def test_an_image_over_the_byte_limit_is_refused(settings):
    settings.PIM_IMAGE_MAX_BYTES = 2000
    error = _refusal(noise_png(60, 60))
    assert error.code == "image_too_large"
    assert "limit" in error.messages[0] and "MB" in error.messages[0]


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.PIM_IMAGE_MAX_PIXELS = 100
    error = _refusal(png_bytes(20, 20))
    assert error.code == "image_too_many_pixels"
    assert "400" in error.messages[0] and "20×20" in error.messages[0]


def test_a_decompression_bomb_is_refused(settings):
    # Our own pixel limit is lifted: Pillow's bomb guard must still refuse it.
    settings.PIM_IMAGE_MAX_PIXELS = 10**12
    error = _refusal(bomb_png())
    assert error.code == "image_bomb"
    assert "decompression bomb" in error.messages[0]


def test_a_truncated_image_is_refused():
    noisy = noise_png(100, 100)
    images.validate_image(SimpleUploadedFile("whole.png", noisy))
    error = _refusal(noisy[: len(noisy) // 2])
    assert error.code == "image_corrupt"
    assert "damaged or truncated" in error.messages[0]


def test_a_format_not_allowed_is_refused(settings):
    settings.PIM_IMAGE_FORMATS = ("JPEG",)
    error = _refusal(png_bytes())
    assert error.code == "image_format" and "PNG" in error.messages[0]


@pytest.mark.django_db
def test_the_same_bytes_are_stored_once():
    data = png_bytes(50, 40, colour=(9, 9, 9))
    first = images.ingest_image(SimpleUploadedFile("a.png", data))
    second = images.ingest_image(data, name="copy.png")
    assert first.pk == second.pk
    assert ImageFile.objects.count() == 1
    assert first.file.name == f"images/{first.sha256[:2]}/{first.sha256}.png"
    assert (first.width, first.height, first.format, first.size_bytes) == (50, 40, "PNG", len(data))


@pytest.mark.django_db
def test_a_rendition_is_made_once_and_reused(settings, django_assert_num_queries):
    settings.PIM_RENDITION_WIDTHS = (320, 640, 1280)
    image_file = images.ingest_image(png_bytes(800, 600, colour=(0, 128, 255)), renditions=False)
    assert not Rendition.objects.exists()
    rendition = images.ensure_rendition(image_file, 320, "webp")
    assert (rendition.width, rendition.height, rendition.format) == (320, 240, "webp")
    assert rendition.file.name == f"renditions/{image_file.sha256[:2]}/{image_file.sha256}-320.webp"
    stored = rendition.file.path
    mtime = os.stat(stored).st_mtime_ns
    with django_assert_num_queries(1):  # a lookup, no render, no insert
        again = images.ensure_rendition(image_file, 320, "webp")
    assert again.pk == rendition.pk
    assert os.stat(stored).st_mtime_ns == mtime
    assert Rendition.objects.count() == 1
    from PIL import Image

    with Image.open(stored) as made:
        assert made.format == "WEBP" and made.size == (320, 240)


@pytest.mark.django_db
def test_renditions_never_upscale_and_the_plan_names_them_stably(settings):
    settings.PIM_RENDITION_WIDTHS = (320, 640, 1280)
    settings.PIM_RENDITION_FORMATS = ("webp", "jpeg")
    image_file = images.ingest_image(png_bytes(700, 350, mode="RGBA", colour=(10, 200, 10, 128)), renditions=False)
    plan = images.rendition_plan(image_file)
    sha = image_file.sha256
    assert plan == [
        (320, "webp", f"renditions/{sha[:2]}/{sha}-320.webp"),
        (320, "jpeg", f"renditions/{sha[:2]}/{sha}-320.jpg"),
        (640, "webp", f"renditions/{sha[:2]}/{sha}-640.webp"),
        (640, "jpeg", f"renditions/{sha[:2]}/{sha}-640.jpg"),
    ]
    made = images.ensure_renditions(image_file)
    assert [(r.width, r.format, r.file.name) for r in made] == plan
    assert images.ensure_rendition(image_file, 1280, "jpeg").width == 700  # clamped to the original
    small = images.ingest_image(png_bytes(100, 50), renditions=False)
    assert [(w, f) for w, f, _n in images.rendition_plan(small)] == [(100, "webp"), (100, "jpeg")]


@pytest.mark.django_db
def test_a_new_image_gets_its_renditions_and_a_known_one_costs_nothing(settings, django_assert_num_queries):
    settings.PIM_RENDITION_WIDTHS = (320, 640)
    settings.PIM_RENDITION_FORMATS = ("webp", "jpeg")
    data = png_bytes(500, 250, colour=(5, 6, 7))
    image_file = images.ingest_image(data)
    made = {(r.width, r.format): r for r in image_file.renditions.all()}
    assert set(made) == {(320, "webp"), (320, "jpeg")}
    from PIL import Image

    with Image.open(made[(320, "jpeg")].file.path) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (320, 160) and jpeg.mode == "RGB"
    with django_assert_num_queries(1):  # found by its hash: no new file, no renders
        assert images.ingest_image(data).pk == image_file.pk
    Rendition.objects.all().delete()
    bare = images.ingest_image(png_bytes(30, 30, colour=(1, 1, 1)), renditions=False)
    assert images.make_missing_renditions() == 4  # 2 formats for each of the 2 files
    assert images.make_missing_renditions() == 0
    assert bare.renditions.count() == 2


@pytest.mark.django_db
def test_a_rendition_made_concurrently_is_reused_through_the_unique_key(monkeypatch):
    image_file = images.ingest_image(png_bytes(400, 200), renditions=False)
    first = images.ensure_rendition(image_file, 320, "jpeg")
    # Another process made the row between our lookup and our insert.
    monkeypatch.setattr(images, "_known_rendition", lambda *args: None)
    again = images.ensure_rendition(image_file, 320, "jpeg")
    assert again.pk == first.pk and Rendition.objects.count() == 1


@pytest.mark.django_db
def test_an_image_ingested_concurrently_is_reused_through_the_unique_key(monkeypatch):
    data = png_bytes(30, 20, colour=(4, 4, 4))
    first = images.ingest_image(data, renditions=False)
    real_filter = ImageFile.objects.filter

    class NoneFirst:
        def first(self):
            return None

    monkeypatch.setattr(ImageFile.objects, "filter", lambda **kw: NoneFirst() if "sha256" in kw else real_filter(**kw))
    again = images.ingest_image(data, renditions=False)
    monkeypatch.undo()
    assert again.pk == first.pk and ImageFile.objects.count() == 1

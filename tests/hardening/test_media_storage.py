"""Print output with media in a storage backend that has no local files (S3
in production): product photos are read through the storage, not lost."""

import io

import pytest
from pypdf import PdfReader

from publishing.pdf.datasheet import render_datasheet
from tests.pdf.builders import build_catalog

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def memory_storage(settings):
    # Changing STORAGES resets default_storage (Django's setting_changed).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    from django.core.files.storage import InMemoryStorage, default_storage

    default_storage._setup()
    assert isinstance(default_storage._wrapped, InMemoryStorage)
    return default_storage


def _images(artifact):
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [image for page in reader.pages for image in page.images]


def test_datasheet_photo_is_read_from_a_storage_without_local_paths(memory_storage):
    catalog = build_catalog(2)
    sku = catalog["products"][0].sku
    artifact = render_datasheet(sku, "fi")
    images = _images(artifact)
    assert images, "the product photo is missing from the datasheet"
    assert not artifact.meta["refused_urls"]
    assert memory_storage.exists(artifact.file.name)  # the PDF went to the same storage
    # The embedded picture is the product's photo (800 × 600, or a rendition of it).
    width, height = images[0].image.size
    assert abs(width / height - 800 / 600) < 0.02

"""The WeasyPrint fetcher serves only own media/static files; nothing else is fetched, nothing leaves the process."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from publishing.pdf.fetcher import RefusedURL, SafeFetcher, local_path
from publishing.pdf.render import render_pdf
from tests.pdf.builders import jpeg_bytes
from tests.pdf.offline import refusing_network
from tests.pdf.pdfutil import image_count


@pytest.fixture
def media_image():
    name = default_storage.save("images/test/photo.jpg", ContentFile(jpeg_bytes(7)))
    return settings.PIM_MEDIA_URL + name


def test_refuses_foreign_urls_and_files_outside_the_roots(tmp_path):
    fetcher = SafeFetcher()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in (
        "http://example.com/image.png",
        "https://169.254.169.254/latest/meta-data/",
        "http://localhost:6379/",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        outside.as_uri(),
        settings.PIM_MEDIA_URL + "../../etc/passwd",
        settings.PIM_MEDIA_URL + "%2e%2e/%2e%2e/etc/passwd",
        settings.PIM_BASE_URL + "/static/../../etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 9


def test_serves_media_static_and_data_uris(media_image):
    fetcher = SafeFetcher()
    response = fetcher.fetch(media_image)
    assert response.read()[:2] == b"\xff\xd8" and response.content_type == "image/jpeg"
    response.close()
    css = fetcher.fetch(settings.PIM_BASE_URL + "/static/pdf/catalog.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    css.close()
    assert fetcher.fetch("data:text/plain;base64,SGVq").read() == b"Hej"
    assert local_path(media_image).is_file()
    assert local_path(local_path(media_image).as_uri()) == local_path(media_image)


def test_symlink_out_of_media_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    (media / "link.txt").symlink_to(outside)
    with pytest.raises(RefusedURL):
        SafeFetcher().fetch(settings.PIM_MEDIA_URL + "link.txt")


def test_render_with_external_and_local_urls_makes_no_request_and_succeeds(media_image, no_network, tmp_path):
    html = f"""<html><head>
      <link rel="stylesheet" href="http://example.com/evil.css">
      <style>@import url("http://example.com/import.css");
        body {{ background: url("file:///etc/passwd"); font-family: "Noto Sans"; }}</style>
      </head><body>
      <p>Kuvaus ja описание</p>
      <img src="http://example.com/tracker.png">
      <img src="file:///etc/passwd">
      <img src="http://10.0.0.1/internal.png">
      <img src="{media_image}">
    </body></html>"""
    target = tmp_path / "out.pdf"
    with open(target, "wb") as handle:
        result = render_pdf(html, base_url=settings.PIM_BASE_URL + "/", write_to=handle)
    refused = {url for url, _reason in result.refused}
    assert {"http://example.com/tracker.png", "file:///etc/passwd", "http://10.0.0.1/internal.png",
            "http://example.com/evil.css", "http://example.com/import.css"} <= refused
    assert result.pages == 1
    assert target.read_bytes().startswith(b"%PDF")
    assert image_count(target) == 1  # only the local media image made it in


def test_an_attempt_swallowed_by_weasyprint_is_still_recorded(tmp_path):
    """WeasyPrint's own fetcher, which does go to the network: the render
    survives the refusal, so only the recorded attempt can fail a test."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with refusing_network() as attempts:
        HTML(string='<img src="http://192.0.2.1/pixel.png"><p>x</p>', url_fetcher=URLFetcher()).write_pdf(
            tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert attempts, "the request to 192.0.2.1 was not seen"

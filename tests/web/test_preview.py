"""Editors preview unpublished products; the public never sees them."""

import pytest
from django.contrib.auth.models import Permission, User
from lxml import html

from catalog.models import Product
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.publishing.helpers import make_complete_product

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


@pytest.fixture
def draft(web):
    return make_complete_product(sku="DRAFT-1", names={"en": "Secret drill", "hu": "Titkos fúró Ő"}, price="49.00")


def test_draft_is_404_to_the_public(client, web, draft):
    # a real publish of a channel that requires approval: the approved product
    # goes out, the draft (complete, but not reviewed) is held back
    web.requires_approval = True
    web.save()
    draft.review_state = Product.ReviewState.DRAFT
    draft.save()
    approved = make_complete_product(sku="PUB-1", names={"en": "Public drill", "hu": "Nyilvános fúró"})
    summary = publish_channel(web)
    stamp_pending()
    assert (summary["held"], summary["published"]) == (1, 1)
    assert "approval" in summary["refusals"]["DRAFT-1"]
    assert client.get(f"/en/p/public-drill-{approved.sku.lower()}/").status_code == 200

    assert client.get("/en/p/secret-drill-draft-1/").status_code == 404
    assert client.get("/en/p/DRAFT-1/").status_code == 404
    assert client.get("/en/search/", {"q": "drill"}).content.count(b"Secret drill") == 0
    assert b"Public drill" in client.get("/en/search/", {"q": "drill"}).content
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "public-drill" in sitemap and "secret-drill" not in sitemap


def test_preview_needs_login_and_permission(client, draft):
    response = client.get("/en/preview/DRAFT-1/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(User.objects.create_user("visitor", is_staff=True))
    assert client.get("/en/preview/DRAFT-1/").status_code == 403


def test_editor_preview_renders_the_built_document_noindex(client, draft):
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_product", content_type__app_label="catalog"))
    client.force_login(editor)
    response = client.get("/hu/preview/DRAFT-1/")
    assert response.status_code == 200
    tree = html.fromstring(response.content.decode())
    assert tree.xpath("//h1")[0].text_content().strip() == "Titkos fúró Ő"
    assert tree.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert tree.xpath('//link[@rel="canonical"]') == []
    assert "no-store" in response["Cache-Control"]
    assert client.get("/hu/preview/NOPE/").status_code == 404


def test_admin_product_form_links_to_the_preview_in_every_web_language(client, draft, web):
    editor = User.objects.create_user("viewer", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_product", content_type__app_label="catalog"))
    client.force_login(editor)
    form = client.get(f"/admin/catalog/product/{draft.pk}/change/")
    assert form.status_code == 200
    links = {a.get("data-lang"): a.get("href")
             for a in html.fromstring(form.content.decode()).xpath('//a[@class="preview-link"]')}
    assert links == {code: f"/{code}/preview/DRAFT-1/" for code in ("en", "fi", "hu", "ru", "bg")}
    for code in ("en", "hu"):
        page = client.get(links[code])
        assert page.status_code == 200
        tree = html.fromstring(page.content.decode())
        assert tree.get("lang") == code
        assert tree.xpath('//meta[@name="robots"]/@content') == ["noindex"]
        assert "noindex" in page["X-Robots-Tag"]
    assert html.fromstring(client.get(links["hu"]).content.decode()).xpath("//h1")[0].text_content().strip() == \
        "Titkos fúró Ő"

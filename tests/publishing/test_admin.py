import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse

from catalog.models import Product
from publishing.admin.actions import publish_to_channel, unpublish_from_channel
from publishing.admin.inlines import COMPLETENESS_PREFETCH, completeness_column
from publishing.completeness import refresh_completeness
from publishing.models import ProductSnapshot, Publication
from publishing.services import publish
from tests.factories import make_product

from .helpers import make_channel, make_complete_product, make_image


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-not-used-elsewhere")


@pytest.mark.django_db
def test_channel_admin_pages_and_completeness_overview(client, superuser, committed):
    web = make_channel("web", languages=("en", "fi"), no_fallback=("fi",))
    product = make_complete_product(names={"en": "Drill", "fi": "Pora"})
    make_product(names={"en": "Half"})
    refresh_completeness()
    with committed():
        publish(product, web)
    client.force_login(superuser)
    listing = client.get(reverse("admin:publishing_channel_changelist"))
    assert listing.status_code == 200
    overview_url = reverse("admin:publishing_channel_completeness")
    assert overview_url in listing.content.decode()
    page = client.get(overview_url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="channel-web"' in html
    assert "✔ 1" in html and "✘ 1" in html
    assert client.get(reverse("admin:publishing_channel_change", args=[web.pk])).status_code == 200
    assert client.get(reverse("admin:publishing_channel_add")).status_code == 200
    incomplete = client.get(reverse("admin:publishing_completeness_changelist") + f"?channel__id__exact={web.pk}&state=incomplete")
    assert incomplete.status_code == 200 and "images" in incomplete.content.decode()
    assert client.get(reverse("admin:publishing_publication_changelist") + "?held=no").status_code == 200
    snapshot = ProductSnapshot.objects.filter(locale="fi").first()
    detail = client.get(reverse("admin:publishing_productsnapshot_change", args=[snapshot.pk]))
    assert detail.status_code == 200 and "Pora" in detail.content.decode()
    assert client.get(reverse("admin:publishing_productsnapshot_changelist")).status_code == 200


def _request(user, data=None):
    request = RequestFactory().post("/admin/catalog/product/", data or {})
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    request.user = user
    request._messages = FallbackStorage(request)
    return request


class _ProductAdmin:
    """Just enough of a ModelAdmin for the actions."""

    def __init__(self):
        from django.contrib import admin

        self.admin_site = AdminSite()
        self.model = Product
        self._admin = admin.ModelAdmin(Product, self.admin_site)

    def message_user(self, request, message, level):
        self._admin.message_user(request, message, level)


@pytest.mark.django_db
def test_bulk_publish_action_chooses_a_channel_and_reports_refusals(superuser, committed):
    web = make_channel("web", languages=("en", "fi"))
    good = make_complete_product(sku="GOOD", names={"en": "Good", "fi": "Hyvä"})
    make_product(sku="BARE", names={"en": "Bare"})
    modeladmin = _ProductAdmin()
    queryset = Product.objects.filter(sku__in=["GOOD", "BARE"])
    page = publish_to_channel(modeladmin, _request(superuser), queryset)
    page.render()
    assert "web" in page.content.decode() and 'name="apply"' in page.content.decode()
    request = _request(superuser, {"apply": "1", "channel": web.pk})
    with committed():
        assert publish_to_channel(modeladmin, request, queryset) is None
    texts = [str(m) for m in get_messages(request)]
    assert texts[0].startswith("web: 1 published")
    assert texts[1] == (
        "Not published: BARE: incomplete — en: images, price in the channel's price list; "
        "fi: images, price in the channel's price list"
    )
    assert ProductSnapshot.objects.filter(sku="GOOD", deleted=False).count() == 2
    request = _request(superuser, {"apply": "1", "channel": web.pk})
    with committed():
        unpublish_from_channel(modeladmin, request, Product.objects.filter(pk=good.pk))
    assert "1 products withdrawn" in [str(m) for m in get_messages(request)][0]
    assert ProductSnapshot.objects.filter(sku="GOOD", deleted=True).count() == 2


@pytest.mark.django_db
def test_actions_need_the_publish_permission(committed):
    from django.core.exceptions import PermissionDenied

    user = get_user_model().objects.create_user("editor", password="pw-not-used-elsewhere", is_staff=True)
    make_channel("web")
    with pytest.raises(PermissionDenied):
        publish_to_channel(_ProductAdmin(), _request(user), Product.objects.all())


@pytest.mark.django_db
def test_completeness_list_column():
    make_channel("web", languages=("en",))
    make_channel("app", languages=("en", "fi"), no_fallback=("fi",))
    make_complete_product(names={"en": "Drill"})
    refresh_completeness()
    product = Product.objects.prefetch_related(COMPLETENESS_PREFETCH).get()
    html = str(completeness_column(product))
    assert ">app 40%<" in html and ">web 100%<" in html


def _publication_prefix(page):
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.model is Publication:
            return inline.formset.prefix
    raise AssertionError("no publication inline on the product form")


@pytest.mark.django_db
def test_saving_a_held_product_in_the_admin_warns_what_is_missing(client, superuser, committed):
    from tests.catalog.conftest import form_data

    web = make_channel("web", languages=("en", "fi"))
    app = make_channel("app", languages=("en", "hu"), no_fallback=("hu",))
    make_channel("print", languages=("en",))
    product = make_product(sku="BARE", names={"en": "Drill", "fi": "Pora"}, price="9.90")  # no image
    client.force_login(superuser)
    url = reverse("admin:catalog_product_change", args=[product.pk]) + "?language=en"
    page = client.get(url)
    data = form_data(page)
    prefix = _publication_prefix(page)
    data.update({
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-0-channel": str(web.pk), f"{prefix}-0-is_published": "on",
        f"{prefix}-1-channel": str(app.pk), f"{prefix}-1-is_published": "on",
    })
    with committed():
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    texts = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert ("warning", "Not published on app: incomplete — en: images") in texts
    assert ("warning", "Not published on web: incomplete — en: images; fi: images") in texts
    assert not [text for level, text in texts if "print" in text]  # not wanted there
    assert any(level == "success" for level, _text in texts)
    assert not ProductSnapshot.objects.exists()
    assert "images" in Publication.objects.get(product=product, channel=web).blocked_reason

    # Complete now: saved again, web publishes; app withholds Hungarian alone and says so.
    make_image(product)
    with committed():
        response = client.post(url, form_data(client.get(url)), follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert not [text for text in texts if "web" in text and "Not published" in text]
    assert "Not published on app: withheld until complete — hu: name, short description, description" in texts
    assert ProductSnapshot.objects.filter(channel=web, deleted=False).count() == 2

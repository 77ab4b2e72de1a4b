"""The default roles do what their names say, through the admin's own views
and the write API: the print team downloads PDFs and exports but changes
nothing; editors edit, reviewers approve, channel managers run channels,
translators translate. And the data migration itself creates the groups with
their permissions on a fresh database."""

import base64
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Brand, Category, Price, PriceList, Product, ProductHistory, Store
from pim import roles
from publishing.models import Artifact, Channel, Job, Publication
from publishing.services import publish
from tests.factories import make_brand, make_category, make_price_list, make_product, make_store
from tests.publishing.helpers import make_channel, make_complete_product

from .conftest import _user, change_url, errors_of, post_form

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def print_team(django_user_model):
    return _user(django_user_model, "printer-1", roles.PRINT_TEAM)


@pytest.fixture
def channel_manager(django_user_model):
    return _user(django_user_model, "channels-1", roles.CHANNEL_MANAGER)


def _api(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode())
    return api


def _admin_url(obj, action="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{action}", args=[obj.pk])


# --- print team -------------------------------------------------------------------


def _print_objects():
    """One object of each kind the print team can see, with a value to try to change."""
    price_list = make_price_list("retail")
    product = make_product(sku="PT-1", names={"en": "Drill", "fi": "Porakone"}, mpn="M-1", price="10.00",
                           price_list=price_list)
    channel = make_channel("print-ch", languages=("en",))
    published = make_complete_product(sku="PT-2", names={"en": "Saw"})
    publish(published, channel)
    return {
        "product": (product, {"mpn": "M-2"}, lambda: Product.objects.get(pk=product.pk).mpn),
        "category": (make_category("tools", names={"en": "Tools"}), {"code": "tools-2"},
                     lambda: Category.objects.get(code__startswith="tools").code),
        "brand": (make_brand("nordtool"), {"code": "other"}, lambda: Brand.objects.get().code),
        "store": (make_store("hel-1"), {"code": "hel-2"}, lambda: Store.objects.get().code),
        "price list": (price_list, {"code": "retail-2"}, lambda: PriceList.objects.get(pk=price_list.pk).code),
        "channel": (channel, {"code": "other", "name": "Other"}, lambda: Channel.objects.get(pk=channel.pk).code),
        "publication": (Publication.objects.get(product=published, channel=channel), {"is_published": ""},
                        lambda: Publication.objects.get(product=published, channel=channel).is_published),
    }


def test_print_team_can_look_at_everything_but_change_nothing_in_the_admin(client, print_team):
    objects = _print_objects()
    client.force_login(print_team)
    for kind, (obj, change, current) in objects.items():
        before = current()
        assert client.get(_admin_url(obj)).status_code == 200, kind  # read-only view
        response = client.post(_admin_url(obj), {**change, "_save": "Save"})
        assert response.status_code == 403, kind
        assert current() == before, kind
        assert client.post(_admin_url(obj, "delete"), {"post": "yes"}).status_code == 403, kind
        assert type(obj).objects.filter(pk=obj.pk).exists(), kind
    assert client.get(reverse("admin:catalog_product_add")).status_code == 403
    assert client.get(reverse("admin:publishing_channel_add")).status_code == 403
    assert Price.objects.get(product__sku="PT-1").amount == Decimal("10.00")


def test_print_team_cannot_review_revert_translate_or_bulk_change(client, print_team, editor):
    product = make_product(sku="PT-3", names={"en": "Drill", "fi": "Porakone"})
    client.force_login(editor)
    assert post_form(client, change_url(product), name="Drill 2").status_code == 302
    first = ProductHistory.objects.filter(product=product).order_by("pk").first()
    client.force_login(print_team)

    review = reverse("admin:catalog_product_review", args=[product.pk])
    assert client.get(review).status_code == 200
    for action in ("submit", "approve", "reject", "comment"):
        assert client.post(review, {"action": action, "comment": "x"}).status_code == 403, action
    assert Product.objects.get(pk=product.pk).review_state == "draft"

    version = reverse("admin:catalog_product_version", args=[product.pk, first.pk])
    assert client.get(version).status_code == 200
    assert client.post(version).status_code == 403
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="en") == "Drill 2"

    translations = reverse("admin:catalog_product_translations") + "?language=fi"
    assert client.post(translations, {"confirm": product.pk}).status_code == 403
    assert client.get(reverse("admin:catalog_product_import")).status_code == 403

    changelist = reverse("admin:catalog_product_changelist")
    names = {name for name, _label in client.get(changelist).context["action_form"].fields["action"].choices}
    assert "download_selected" in names
    assert not names & {"bulk_edit", "publish_to_channel", "unpublish_from_channel", "delete_selected"}
    for action in ("bulk_edit", "publish_to_channel", "delete_selected"):
        response = client.post(changelist, {"action": action, "_selected_action": [product.pk], "apply": "1",
                                            "operation": "status", "status": "discontinued", "post": "yes"})
        assert response.status_code in (200, 302), action  # "no action selected": nothing runs
    stored = Product.objects.get(pk=product.pk)
    assert stored.status == "active" and not Publication.objects.filter(product=stored).exists()


def test_print_team_cannot_write_through_the_api(print_team):
    product = make_product(sku="PT-API", names={"en": "Drill"}, mpn="M-1")
    api = _api(print_team)
    url = "/api/v1/products/PT-API/"
    assert api.get(url).status_code == 200  # reading is fine
    version = f'"{product.version}"'
    attempts = [
        api.patch(url, {"mpn": "M-2"}, format="json", HTTP_IF_MATCH=version),
        api.put(url, {"sku": "PT-API", "translations": {"en": {"name": "Saw"}}}, format="json",
                HTTP_IF_MATCH=version),
        api.post("/api/v1/products/", {"sku": "PT-NEW", "translations": {"en": {"name": "New"}}}, format="json"),
        api.post("/api/v1/products/bulk/", [{"sku": "PT-API", "version": product.version, "mpn": "M-3"}],
                 format="json"),
        api.delete(url),
    ]
    for response in attempts:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied"
    stored = Product.objects.get(sku="PT-API")
    assert (stored.mpn, stored.version) == ("M-1", product.version)
    assert not Product.objects.filter(sku="PT-NEW").exists()


def test_print_team_downloads_exports_and_pdfs(client, print_team):
    make_product(sku="PT-DL", names={"en": "Drill", "fi": "Porakone"})
    client.force_login(print_team)

    # The catalog spreadsheet: a job whose file the print team downloads.
    response = client.get(reverse("admin:catalog_product_export") + "?format=csv")
    job = Job.objects.get(kind="export_products")
    assert response.status_code == 302 and job.status == Job.Status.SUCCEEDED
    download = client.get(reverse("admin:publishing_artifact_download", args=[job.artifact_id]))
    assert download.status_code == 200
    assert "PT-DL" in b"".join(download.streaming_content).decode("utf-8-sig")

    # The selected products as XLSX, straight from the list.
    response = client.post(reverse("admin:catalog_product_changelist"), {
        "action": "download_selected", "_selected_action": [Product.objects.get(sku="PT-DL").pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")

    # A channel export and a rendered PDF made by someone else.
    for kind, name, content in (("export", "google-fi.xml", b"<rss/>"), ("catalog", "catalog-fi.pdf", b"%PDF-1.7")):
        artifact = Artifact(kind=kind, locale="fi", format=name.rsplit(".", 1)[1], subject="print",
                            content_hash=kind, size_bytes=len(content))
        artifact.file.save(name, ContentFile(content), save=True)
        response = client.get(reverse("admin:publishing_artifact_download", args=[artifact.pk]))
        assert response.status_code == 200, kind
        assert b"".join(response.streaming_content) == content
        assert "attachment" in response["Content-Disposition"]


# --- the other roles ------------------------------------------------------------------


def test_editor_edits_products_but_neither_approves_publishes_nor_runs_channels(client, editor):
    product = make_product(sku="ED-1", names={"en": "Drill"})
    client.force_login(editor)
    assert post_form(client, change_url(product), name="Drill Pro").status_code == 302
    assert client.get(reverse("admin:catalog_product_add")).status_code == 200
    assert editor.has_perms(["catalog.change_price", "catalog.add_price", "catalog.change_stock"])
    assert client.get(reverse("admin:publishing_channel_add")).status_code == 403
    assert client.get(reverse("admin:publishing_channeltoken_add")).status_code == 403
    review = reverse("admin:catalog_product_review", args=[product.pk])
    assert client.post(review, {"action": "submit"}).status_code == 302
    assert client.post(review, {"action": "approve"}).status_code == 403
    assert Product.objects.get(pk=product.pk).review_state == "in_review"
    assert not editor.has_perm("publishing.publish_product")
    names = {name for name, _label in client.get(reverse("admin:catalog_product_changelist"))
             .context["action_form"].fields["action"].choices}
    assert "bulk_edit" in names and "publish_to_channel" not in names


def test_reviewer_approves_and_publishes_but_does_not_run_channels(client, reviewer):
    product = make_product(sku="RV-9", names={"en": "Drill"}, review_state=Product.ReviewState.IN_REVIEW)
    client.force_login(reviewer)
    review = reverse("admin:catalog_product_review", args=[product.pk])
    assert client.post(review, {"action": "reject", "comment": "Name too short."}).status_code == 302
    assert Product.objects.get(pk=product.pk).review_state == "draft"
    client.post(review, {"action": "submit"})
    client.post(review, {"action": "approve"})
    assert Product.objects.get(pk=product.pk).review_state == "approved"
    assert reviewer.has_perm("publishing.publish_product")
    names = {name for name, _label in client.get(reverse("admin:catalog_product_changelist"))
             .context["action_form"].fields["action"].choices}
    assert {"publish_to_channel", "unpublish_from_channel"} <= names
    assert client.get(reverse("admin:publishing_channel_add")).status_code == 403
    assert client.get(reverse("admin:publishing_channeltoken_add")).status_code == 403
    assert client.get(reverse("admin:catalog_product_add")).status_code == 403


def test_channel_manager_runs_channels_and_prices_but_not_product_texts(client, channel_manager):
    channel = make_channel("cm-web", languages=("en",))
    product = make_product(sku="CM-1", names={"en": "Drill"})
    price_list = make_price_list("cm-retail")
    client.force_login(channel_manager)
    assert client.get(reverse("admin:publishing_channel_add")).status_code == 200
    assert client.get(reverse("admin:publishing_channeltoken_add")).status_code == 200
    assert client.get(_admin_url(channel)).status_code == 200
    assert channel_manager.has_perms(["publishing.change_channel", "publishing.publish_product",
                                      "catalog.change_pricelist", "catalog.change_price"])
    assert client.get(_admin_url(price_list)).status_code == 200
    response = client.post(_admin_url(product), {"mpn": "X", "_save": "Save"})
    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).mpn == ""


def test_translator_changes_texts_but_creates_and_deletes_nothing(client, translator):
    product = make_product(sku="TR-1", names={"en": "Drill", "fi": "Porakone"})
    category = make_category("tr-tools", names={"en": "Tools"})
    client.force_login(translator)
    response = post_form(client, change_url(product, "fi"), name="Akkuporakone")
    assert response.status_code == 302, errors_of(response)
    assert Product.objects.get(pk=product.pk).safe_translation_getter("name", language_code="fi") == "Akkuporakone"
    assert client.get(_admin_url(category)).status_code == 200
    assert client.get(reverse("admin:catalog_product_add")).status_code == 403
    assert client.post(_admin_url(product, "delete"), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:publishing_channel_add")).status_code == 403
    assert not translator.has_perm("catalog.approve_product")
    assert not translator.has_perm("publishing.publish_product")


# --- the data migration on a fresh database ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_creates_the_roles_with_their_permissions():
    """Run pim's migration again on a database without groups, without the
    post_migrate handler: the groups and their permissions come from the
    migration itself."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("pim", None)])
    Group.objects.all().delete()
    executor.loader.build_graph()
    executor.migrate([("pim", "0001_roles")])

    def perms(name):
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLES)
    editor = perms(roles.EDITOR)
    assert {"catalog.change_product", "catalog.add_product", "catalog.change_price"} <= editor
    assert not any(p.startswith("publishing.change_") for p in editor)
    translator = perms(roles.TRANSLATOR)
    assert {"catalog.change_product", "catalog.change_category", "catalog.change_attribute"} <= translator
    assert not {"catalog.add_product", "catalog.delete_product", "catalog.change_price"} & translator
    publisher = perms(roles.PUBLISHER)
    assert {"catalog.change_product", "publishing.change_publication", "publishing.view_channel"} <= publisher
    assert "publishing.change_channel" not in publisher
    manager = perms(roles.CHANNEL_MANAGER)
    assert {"publishing.change_channel", "publishing.add_channeltoken", "catalog.change_pricelist"} <= manager
    assert "catalog.change_product" not in manager
    print_team = perms(roles.PRINT_TEAM)
    assert {"catalog.view_product", "publishing.view_artifact", "publishing.add_job"} <= print_team
    assert not any(p.split(".")[1].startswith(("change_", "add_", "delete_")) for p in print_team
                   if p.startswith("catalog.") or p.split(".")[1].endswith(("channel", "publication")))
    assert {"publishing.view_shortlink", "publishing.view_qrscan", "publishing.change_brochure"} <= print_team
    assert not {"publishing.add_shortlink", "publishing.change_shortlink", "publishing.delete_qrscan"} & print_team

    # A database migrated before the print team became view-only on QR
    # links: the next migration takes exactly those permissions back.
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.PRINT_TEAM)
    old_grants = ["add_shortlink", "change_shortlink", "delete_shortlink", "add_qrscan", "change_qrscan"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="publishing", codename__in=old_grants))
    editor_group = Group.objects.get(name=roles.EDITOR)
    editor_group.permissions.add(Permission.objects.get(codename="change_shortlink"))
    executor.loader.build_graph()
    executor.migrate([("pim", "0002_print_team_views_qr_links")])
    assert perms(roles.PRINT_TEAM) == print_team
    assert "publishing.change_shortlink" in perms(roles.EDITOR)  # other groups are left alone

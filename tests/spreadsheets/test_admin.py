"""The admin flow: upload → dry-run page → confirm → the job imports → data changed; exports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import Product
from publishing.models import Job

from .helpers import csv_bytes, state


@pytest.fixture
def admin_client(db, client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def upload(client, data, name="products.csv"):
    return client.post(reverse("admin:catalog_product_import"), {"file": SimpleUploadedFile(name, data)})


def test_changelist_offers_import_and_export(admin_client, catalog):
    page = admin_client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert reverse("admin:catalog_product_import") in page
    assert reverse("admin:catalog_product_export") + "?format=xlsx" in page


def test_upload_dry_run_confirm_imports(admin_client, catalog):
    before = state()
    response = upload(admin_client, csv_bytes([["sku", "name[ru]", "price:retail"],
                                               ["DRILL-1", "Дрель Ж", "119.90"], ["NEW-1", "Новый", "5"]]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-count="update">1<' in page and 'data-count="create">1<' in page
    assert "Дрель Ж" in page and "Аккумуляторная дрель" in page and "129.90" in page
    assert state() == before  # the dry run changed nothing
    token = response.context["token"]
    assert token

    response = admin_client.post(reverse("admin:catalog_product_import"), {"token": token})
    job = Job.objects.get(kind="import_products")
    assert response.status_code == 302 and response.url == reverse("admin:publishing_job_change", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    drill = Product.objects.get(sku="DRILL-1")
    drill.set_current_language("ru")
    assert drill.name == "Дрель Ж"
    assert Product.objects.filter(sku="NEW-1").exists()
    assert admin_client.get(response.url).status_code == 200


def test_errors_are_shown_per_row_and_column_and_no_confirm(admin_client, catalog):
    before = state()
    response = upload(admin_client, csv_bytes([["sku", "attr:colour"], ["DRILL-1", "purple"]]))
    page = response.content.decode()
    assert response.context["token"] == ""
    assert response.context["errors"][0][:2] == (2, "attr:colour")
    assert "Not an option of colour: purple" in page
    assert 'name="token"' not in page
    assert state() == before


def test_unreadable_file_is_explained(admin_client, catalog):
    response = upload(admin_client, "sku,name[fi]\nDRILL-1,Pöytä\n".encode("latin-1"))
    assert "not UTF-8" in response.context["refusal"]
    assert response.context["token"] == ""


def test_tampered_token_is_refused(admin_client, catalog):
    response = admin_client.post(reverse("admin:catalog_product_import"), {"token": "imports/../../etc/passwd"})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_import_needs_change_permission(client, catalog, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:catalog_product_import")).status_code == 403


def test_export_job_offers_the_file(admin_client, catalog):
    response = admin_client.get(reverse("admin:catalog_product_export") + "?format=xlsx")
    job = Job.objects.get(kind="export_products")
    assert response.url == reverse("admin:publishing_job_change", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.artifact is not None
    rows = list(load_workbook(job.artifact.file.open("rb")).active.iter_rows(values_only=True))
    assert rows[0][0] == "sku" and len(rows) == 5
    assert job.artifact.meta == {"rows": 4}


def test_download_selected_action(admin_client, catalog):
    drill = Product.objects.get(sku="DRILL-1")
    response = admin_client.post(reverse("admin:catalog_product_changelist"), {
        "action": "download_selected", "_selected_action": [drill.pk],
    })
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["sku", "DRILL-1"]


def test_import_job_with_errors_fails_once_and_logs_each_error(db, catalog):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from publishing.jobs import start_job

    before = state()
    stored = default_storage.save("imports/test/bad.csv", ContentFile(csv_bytes([
        ["sku", "attr:voltage", "attr:colour"], ["DRILL-1", "x", ""], ["SHIRT-1", "", "purple"],
    ])))
    job = start_job("import_products", {"path": stored, "filename": "bad.csv"})
    assert job.status == Job.Status.FAILED and job.attempts == 1  # a bad file is not retried
    assert "2 error(s)" in job.error and "Nothing was changed." in job.error
    assert "row 2 attr:voltage: 'x' is not a number." in job.log
    assert "row 3 attr:colour: Not an option of colour: purple" in job.log
    assert default_storage.exists(stored)
    assert state() == before


def test_import_job_refuses_paths_outside_the_upload_folder(db):
    from publishing.jobs import start_job

    job = start_job("import_products", {"path": "../settings.py"})
    assert job.status == Job.Status.FAILED and "upload it again" in job.error

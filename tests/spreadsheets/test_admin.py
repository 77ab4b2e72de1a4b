"""The admin flow: upload → dry-run page → confirm → the job imports → data changed; exports."""

import io
import json
import threading

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import Product
from catalog.spreadsheets import importer
from publishing.jobs import execute_job
from publishing.models import Job

from .helpers import csv_bytes, state


@pytest.fixture
def admin_client(db, client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def upload(client, data, name="products.csv"):
    """Post a file; the dry-run job runs inline here, and its page shows the review."""
    response = client.post(reverse("admin:catalog_product_import"), {"file": SimpleUploadedFile(name, data)},
                           follow=True)
    job = Job.objects.filter(kind="import_products").latest("pk")
    assert response.redirect_chain == [(reverse("admin:catalog_product_import_check", args=[job.pk]), 302)]
    assert job.params["dry_run"] is True
    return response


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
    job = Job.objects.filter(kind="import_products").latest("pk")
    assert not job.params.get("dry_run")
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
    assert response.context["errors"][0][:2] == [2, "attr:colour"]
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


@pytest.fixture
def queued_jobs(settings):
    """Jobs wait in the queue (a worker would take them); tests run them with execute_job."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def progress_of(client, job):
    state = client.get(reverse("admin:publishing_job_progress", args=[job.pk])).json()
    return state["progress"]


def many_rows(count):
    return [["sku", "name[en]", "name[ru]", "price:retail"]] + [
        [f"BULK-{i:03d}", f"Bulk {i} ő", f"Товар {i}", f"{i}.50"] for i in range(count)
    ]


def test_dry_run_is_a_job_whose_page_shows_progress_then_the_review(admin_client, catalog, queued_jobs, monkeypatch):
    before = state()
    response = admin_client.post(reverse("admin:catalog_product_import"), {
        "file": SimpleUploadedFile("bulk.csv", csv_bytes(many_rows(12) + [["DRILL-1", "Drill", "Дрель Ж", "1"]])),
    })
    job = Job.objects.get(kind="import_products")
    check_url = reverse("admin:catalog_product_import_check", args=[job.pk])
    assert response.status_code == 302 and response.url == check_url  # the request returns at once
    assert job.status == Job.Status.QUEUED and job.params["dry_run"] is True

    waiting = admin_client.get(check_url)
    page = waiting.content.decode()
    assert f'data-job-progress="{job.pk}"' in page and 'data-status="queued"' in page
    assert "publishing/admin/job_progress.js" in page  # the bar follows the job and reloads when done
    assert waiting.context["token"] == "" and 'name="token"' not in page

    # The worker runs the check; the admin's poll sees it move in between.
    seen = []
    monkeypatch.setattr(importer, "CHUNK", 4)
    real_load = importer.load_existing

    def load_and_look(skus, **kwargs):
        seen.append(progress_of(admin_client, job))
        return real_load(skus, **kwargs)

    monkeypatch.setattr(importer, "load_existing", load_and_look)
    execute_job(job.pk, heartbeat=False)
    assert any(0 < value < 100 for value in seen), seen
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.artifact.kind == "import_check"
    assert state() == before  # a check changes nothing

    done = admin_client.get(check_url)
    page = done.content.decode()
    assert 'data-count="create">12<' in page and 'data-count="update">1<' in page
    assert "Товар 11" in page and "Дрель Ж" in page and "Аккумуляторная дрель" in page
    assert "data-job-progress" not in page
    review = json.loads(job.artifact.file.open("rb").read())
    assert review["counts"] == {"create": 12, "update": 1, "unchanged": 0, "error": 0}
    token = done.context["token"]
    assert token and default_storage.exists(job.params["path"])

    admin_client.post(reverse("admin:catalog_product_import"), {"token": token})
    real = Job.objects.filter(kind="import_products").latest("pk")
    assert real.pk != job.pk and real.status == Job.Status.QUEUED and not real.params.get("dry_run")
    execute_job(real.pk, heartbeat=False)
    assert Product.objects.filter(sku__startswith="BULK-").count() == 12


def test_write_phase_progress_is_visible_inside_the_import_transaction(
        transactional_db, admin_client, catalog, queued_jobs, monkeypatch):
    """The real import writes everything in one transaction; the admin's poll
    still sees the bar move past the check while the rows are written."""
    from django.core.files.base import ContentFile
    from django.db import connection

    from publishing.jobs import start_job

    stored = default_storage.save("imports/test/bulk.csv", ContentFile(csv_bytes(many_rows(12))))
    job = start_job("import_products", {"path": stored, "filename": "bulk.csv"})
    monkeypatch.setattr(importer, "CHUNK", 4)
    monkeypatch.setattr(importer, "APPLY_CHUNK", 4)
    seen = []
    real_write = importer.write_chunk

    def look():
        # The admin polls from its own connection, as the web process does.
        try:
            seen.append(progress_of(admin_client, job))
        finally:
            connection.close()

    def write_and_look(items, **kwargs):
        outcome = real_write(items, **kwargs)
        assert connection.in_atomic_block  # still inside the import's transaction
        poll = threading.Thread(target=look)
        poll.start()
        poll.join()
        return outcome

    monkeypatch.setattr(importer, "write_chunk", write_and_look)
    execute_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.log
    # Seen after each chunk (before it reports): from the end of the check
    # (50 % on SQLite, 10 % elsewhere), one step further per chunk written.
    assert len(seen) == 3 and seen[0] >= 10 and seen[0] < seen[1] < seen[2] < 100, seen
    assert job.progress == 100
    assert Product.objects.filter(sku__startswith="BULK-").count() == 12


def test_a_refused_file_shows_its_reason_on_the_check_page(admin_client, catalog):
    response = upload(admin_client, b"\xd0\xcf\x11\xe0" + b"\x00" * 64, name="old.xls")
    assert ".xls" in response.context["refusal"] and "Nothing was changed." in response.content.decode()
    job = Job.objects.get(kind="import_products")
    assert job.status == Job.Status.FAILED and not default_storage.exists(job.params["path"])


def test_the_check_page_is_only_for_dry_runs_and_importers(admin_client, client, catalog, django_user_model):
    from django.core.files.base import ContentFile

    from publishing.jobs import start_job

    stored = default_storage.save("imports/test/x.csv", ContentFile(csv_bytes([["sku", "name[en]"], ["DRILL-1", "X"]])))
    real = start_job("import_products", {"path": stored, "filename": "x.csv"})
    assert admin_client.get(reverse("admin:catalog_product_import_check", args=[real.pk])).status_code == 404
    viewer = django_user_model.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse("admin:catalog_product_import_check", args=[real.pk])).status_code == 403

"""Spreadsheet import and export in the product admin.

Import: upload a CSV/XLSX file → the dry run runs as a background job (the
import job with ``dry_run``) while its page shows a progress bar → the same
page then shows every change per row and every error per row and column,
from the review the job stored → confirming runs the real import as another
job (progress bar on the job's page). Export: the whole catalog as a job
with a downloadable file, or the selected products at once.

The views hang off the registered product admin (``/admin/catalog/product/
import/`` and ``…/export/``), so they share its permissions and breadcrumbs.
"""

import io
import json
import uuid
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing.jobs import start_job
from publishing.models import Job

from ..models import Product
from ..spreadsheets.export import FORMATS, export_products
from ..spreadsheets.job_kinds import UPLOAD_FOLDER

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SIGNING_SALT = "catalog.spreadsheets.import"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy("The layout of the export: one row per product or variant, a 'sku' column, "
                               "one column per field and language. Only the columns in the file change."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)d MB.") % {
                "size": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload


def _can_import(request):
    return request.user.has_perm("catalog.add_product") and request.user.has_perm("catalog.change_product")


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Product._meta,
        "title": title,
        "export_formats": FORMATS,
        **extra,
    }


def import_view(model_admin, request):
    """Upload (GET/POST file) → start the dry-run job; POST token → start the import job."""
    if not _can_import(request):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    title = _("Import products from a spreadsheet")
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "admin/catalog/spreadsheets/import.html",
                                _context(model_admin, request, title, form=form))
    upload = form.cleaned_data["file"]
    name = get_valid_filename(Path(upload.name).name) or "products"
    stored = default_storage.save(f"{UPLOAD_FOLDER}{uuid.uuid4().hex}/{name}", upload)
    # A large file takes longer to check than a web request may last.
    job = start_job("import_products", {"path": stored, "filename": name, "dry_run": True}, user=request.user)
    return HttpResponseRedirect(reverse("admin:catalog_product_import_check", args=[job.pk]))


def check_view(model_admin, request, job_id):
    """The dry run's page: its progress bar while the job runs, then the review it stored."""
    if not _can_import(request):
        raise PermissionDenied
    job = get_object_or_404(Job, pk=job_id, kind="import_products")
    if not job.params.get("dry_run"):
        raise Http404
    name = job.params.get("filename") or ""
    title = _("Check the import of %(file)s") % {"file": name}
    context = _context(model_admin, request, title, form=ImportForm(), filename=name, job=job, token="",
                       refusal=None, review=None, changes=[], errors=[])
    if job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        job_admin = model_admin.admin_site._registry[Job]
        context.update(progress_bar=job_admin.progress_bar(job), job_media=job_admin.media)
    elif job.status == Job.Status.FAILED:
        context["refusal"] = job.error
    else:
        review = _stored_review(job)
        stored = job.params["path"]
        if review is None:
            context["refusal"] = _("The result of the check is gone; upload the file again.")
        elif review["importable"] and not default_storage.exists(stored):
            context["refusal"] = _("The uploaded file is gone; upload it again.")
        else:
            importable = review["importable"]
            context.update(
                review=review, errors=review["errors"], changes=_change_lines(review["rows"]),
                hidden_errors=max(0, review["error_count"] - len(review["errors"])),
                hidden_rows=max(0, review["changed_rows"] - len(review["rows"])),
                token=signing.dumps({"path": stored, "filename": name}, salt=SIGNING_SALT) if importable else "",
            )
    return TemplateResponse(request, "admin/catalog/spreadsheets/dry_run.html", context)


def _stored_review(job):
    if job.artifact is None or not job.artifact.file:
        return None
    try:
        with job.artifact.file.open("rb") as handle:
            return json.load(handle)
    except (FileNotFoundError, ValueError):
        return None


def _change_lines(rows):
    """One line per changed cell of the reviewed rows: row, SKU, action, column, old, new."""
    lines = []
    for result in rows:
        for index, (header, old, new) in enumerate(result["changes"] or [("", "", "")]):
            first = index == 0
            lines.append({
                "row": result["row"] if first else "", "sku": result["sku"] if first else "",
                "action": result["action"] if first else "", "column": header, "old": old, "new": new,
            })
    return lines


def _confirm(request):
    try:
        payload = signing.loads(request.POST["token"], salt=SIGNING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise PermissionDenied from None
    stored = payload["path"]
    if not stored.startswith(UPLOAD_FOLDER) or ".." in stored or not default_storage.exists(stored):
        messages.error(request, _("The uploaded file is gone; upload it again."))
        return HttpResponseRedirect(reverse("admin:catalog_product_import"))
    job = start_job("import_products", {"path": stored, "filename": payload["filename"]}, user=request.user)
    messages.info(request, _("The import runs as job #%(id)d; this page follows its progress.") % {"id": job.pk})
    return HttpResponseRedirect(reverse("admin:publishing_job_change", args=[job.pk]))


def export_view(model_admin, request):
    """Start an export job of the whole catalog; its page offers the file."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    format = request.GET.get("format", "xlsx")
    if format not in FORMATS:
        format = "xlsx"
    job = start_job("export_products", {"format": format}, user=request.user)
    return HttpResponseRedirect(reverse("admin:publishing_job_change", args=[job.pk]))


@admin.action(description=gettext_lazy("Download the selected products as a spreadsheet (XLSX)"),
              permissions=["view"])
def download_selected(model_admin, request, queryset):
    response = HttpResponse(content_type=CONTENT_TYPES["xlsx"])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="products-{stamp}.xlsx"'
    buffer = io.BytesIO()  # the zip writer wants a seekable file
    export_products(buffer, "xlsx", product_ids=queryset.values("pk"))
    response.write(buffer.getvalue())
    return response


def install(model_admin):
    """Add the import/export pages, the changelist buttons and the action to the product admin."""
    original_urls = model_admin.get_urls

    def get_urls():
        wrap = model_admin.admin_site.admin_view
        return [
            path("import/", wrap(lambda request: import_view(model_admin, request)), name="catalog_product_import"),
            path("import/<int:job_id>/", wrap(lambda request, job_id: check_view(model_admin, request, job_id)),
                 name="catalog_product_import_check"),
            path("export/", wrap(lambda request: export_view(model_admin, request)), name="catalog_product_export"),
        ] + original_urls()

    model_admin.get_urls = get_urls
    model_admin.actions = [*(model_admin.actions or []), download_selected]
    if model_admin.change_list_template is None:
        model_admin.change_list_template = "admin/catalog/spreadsheets/product_change_list.html"


install(admin.site._registry[Product])

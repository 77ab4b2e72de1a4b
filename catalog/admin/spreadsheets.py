"""Spreadsheet import and export in the product admin.

Import: upload a CSV/XLSX file → a dry run shows every change per row and
every error per row and column → confirming runs the real import as a
background job (progress bar on the job's page). Export: the whole catalog
as a job with a downloadable file, or the selected products at once.

The views hang off the registered product admin (``/admin/catalog/product/
import/`` and ``…/export/``), so they share its permissions and breadcrumbs.
"""

import io
import uuid
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing.jobs import start_job

from ..models import Product
from ..spreadsheets.export import FORMATS, export_products
from ..spreadsheets.importer import ImportRefused, import_file
from ..spreadsheets.job_kinds import UPLOAD_FOLDER
from ..spreadsheets.reader import FileRefused

MAX_SHOWN_ROWS = 500
MAX_SHOWN_ERRORS = 500
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
    """Upload (GET/POST file) → dry-run report; POST token → start the job."""
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
    report, refusal = None, None
    try:
        with default_storage.open(stored, "rb") as handle:
            report = import_file(handle, dry_run=True, user=request.user, filename=name)
    except FileRefused as exc:
        refusal = exc.message
    except ImportRefused as exc:
        report = exc.report
    has_changes = report is not None and report.ok and (report.counts["create"] or report.counts["update"])
    if not has_changes:
        default_storage.delete(stored)
    errors = report.errors() if report is not None else []
    context = _context(
        model_admin, request, _("Check the import of %(file)s") % {"file": name},
        form=ImportForm(), filename=name, refusal=refusal, report=report,
        errors=errors[:MAX_SHOWN_ERRORS], hidden_errors=max(0, len(errors) - MAX_SHOWN_ERRORS),
        changes=_change_lines(report) if report is not None else [],
        hidden_rows=max(0, len(report.rows) - MAX_SHOWN_ROWS) if report is not None else 0,
        token=signing.dumps({"path": stored, "filename": name}, salt=SIGNING_SALT) if has_changes else "",
    )
    return TemplateResponse(request, "admin/catalog/spreadsheets/dry_run.html", context)


def _change_lines(report):
    """One line per changed cell of the first rows: row, SKU, action, column, old, new."""
    lines = []
    for result in report.rows[:MAX_SHOWN_ROWS]:
        if result.action == "error":
            continue
        for index, (header, old, new) in enumerate(result.changes or [("", "", "")]):
            lines.append({
                "row": result.row if index == 0 else "", "sku": result.sku if index == 0 else "",
                "action": result.action if index == 0 else "", "column": header, "old": old, "new": new,
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
            path("export/", wrap(lambda request: export_view(model_admin, request)), name="catalog_product_export"),
        ] + original_urls()

    model_admin.get_urls = get_urls
    model_admin.actions = [*(model_admin.actions or []), download_selected]
    if model_admin.change_list_template is None:
        model_admin.change_list_template = "admin/catalog/spreadsheets/product_change_list.html"


install(admin.site._registry[Product])

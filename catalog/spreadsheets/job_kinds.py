"""Job kinds of the product sheet: import an uploaded file, export the catalog."""

import json

from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from publishing.jobs import JobFailed, job_kind

UPLOAD_FOLDER = "imports/"
MAX_LOGGED_ERRORS = 200
CHECK_ARTIFACT_KIND = "import_check"


@job_kind("import_products")
def import_products(ctx, path, filename="", delete_after=True, dry_run=False):
    """Import a sheet stored at ``path`` (default storage): check every row,
    then apply all in one transaction. A file with errors fails the job (no
    retry) with each error in the log, and changes nothing.

    With ``dry_run`` only the check runs, and its per-row review (what would
    change, every error) is attached as a JSON artifact for the admin to
    show; the file is kept for the real run when there is something to import."""
    from .importer import ImportRefused, import_file
    from .reader import FileRefused

    if not path.startswith(UPLOAD_FOLDER) or ".." in path or not default_storage.exists(path):
        raise JobFailed(_("The uploaded file %(path)s is gone; upload it again.") % {"path": path})
    if dry_run:
        return _check(ctx, path, filename)
    ctx.log(_("Importing %(file)s.") % {"file": filename or path})
    user = ctx.job.created_by
    try:
        with default_storage.open(path, "rb") as handle:
            # On SQLite everything is checked before the transaction, so a
            # refused file never holds the single write lock.
            report = import_file(handle, user=user, progress=ctx.progress, filename=filename,
                                 validate_first=connection.vendor == "sqlite")
    except FileRefused as exc:
        raise JobFailed(exc.message) from None
    except ImportRefused as exc:
        errors = exc.report.errors()
        for row, column, message in errors[:MAX_LOGGED_ERRORS]:
            ctx.log(_("row %(row)s %(column)s: %(message)s") % {"row": row, "column": column, "message": message},
                    "error")
        raise JobFailed(exc.report.summary() + " " + _("Nothing was changed.")) from None
    if delete_after:
        default_storage.delete(path)
    ctx.log(report.summary())
    return report.as_dict()


def _check(ctx, path, filename):
    """The dry run: the review as an artifact; the upload is deleted unless
    there is something to import."""
    from publishing.artifacts import content_hash, store_artifact

    from .importer import ImportRefused, import_file
    from .reader import FileRefused

    ctx.log(_("Checking %(file)s.") % {"file": filename or path})
    try:
        with default_storage.open(path, "rb") as handle:
            report = import_file(handle, dry_run=True, user=ctx.job.created_by, progress=ctx.progress,
                                 filename=filename)
    except FileRefused as exc:
        default_storage.delete(path)
        raise JobFailed(exc.message) from None
    except ImportRefused as exc:
        report = exc.report
    review = report.review()
    if not review["importable"]:
        default_storage.delete(path)

    def writer(handle):
        handle.write(json.dumps(review, ensure_ascii=False).encode())

    artifact = store_artifact(CHECK_ARTIFACT_KIND, content_hash(CHECK_ARTIFACT_KIND, ctx.job_id, ctx.attempt),
                              writer, filename=f"check-{ctx.job_id}.json", subject=f"job {ctx.job_id}")
    ctx.log(report.summary())
    return artifact


@job_kind("export_products")
def export_products(ctx, format="xlsx"):
    """The whole catalog as a sheet, attached to the job as an artifact."""
    from publishing.artifacts import content_hash, store_artifact

    from .export import FORMATS
    from .export import export_products as write

    if format not in FORMATS:
        raise JobFailed(_("Unknown format '%(format)s'. Use csv or xlsx.") % {"format": format})
    stamp = timezone.now()
    counts = {}

    def writer(handle):
        counts["rows"] = write(handle, format, progress=ctx.progress)

    # Every export is a fresh snapshot of the truth: keyed by its moment.
    key = content_hash("export_products", format, stamp.isoformat())
    filename = f"products-{stamp:%Y%m%d-%H%M%S}.{format}"
    artifact = store_artifact("products_sheet", key, writer, filename=filename, format=format)
    artifact.meta = {"rows": counts.get("rows", 0)}
    artifact.save(update_fields=["meta"])
    ctx.log(_("%(count)d rows exported.") % {"count": counts.get("rows", 0)})
    return artifact

"""``import_products FILE [--dry-run]``: read the export_products layout back."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from catalog.spreadsheets.importer import ImportRefused, import_file
from catalog.spreadsheets.reader import FileRefused


class Command(BaseCommand):
    help = _(
        "Import products from a CSV or XLSX file in the export_products layout. Only the columns "
        "in the file change; an empty cell clears its value. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help=_("Report what would change; change nothing."))

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        verbosity = options.get("verbosity", 1)
        try:
            with translation.override(settings.LANGUAGE_CODE), path.open("rb") as handle:
                # Checked while written (one pass); a dry run checks without writing.
                report = import_file(handle, dry_run=dry_run, filename=path.name, validate_first=False)
        except FileRefused as exc:
            where = f" (row {exc.row})" if exc.row else ""
            raise CommandError(f"{path.name}{where}: {exc.message}") from None
        except ImportRefused as exc:
            for row, column, message in exc.report.errors():
                self.stdout.write(f"row {row} {column}: {message}" if column else f"row {row}: {message}")
            raise CommandError(f"{path.name}: {exc.report.summary()} " + _("Nothing was changed.")) from None
        if verbosity > 1:
            for result in report.rows:
                for header, old, new in result.changes:
                    self.stdout.write(f"row {result.row} {result.sku} {header}: {old!r} → {new!r}")
        self.stdout.write(report.summary())

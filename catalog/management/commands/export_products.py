"""``export_products --format csv|xlsx --output FILE``: the truth as a spreadsheet."""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from catalog.spreadsheets.export import FORMATS, export_products


class Command(BaseCommand):
    help = _(
        "Write every product and variant as CSV (UTF-8 with BOM) or XLSX for bulk editing: "
        "one column per field and language; import_products reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, help=_("csv or xlsx (default: from the file name)."))
        parser.add_argument("--output", required=True, metavar="FILE", help=_("Where to write the file."))

    def handle(self, *args, format=None, output, **options):
        path = Path(output)
        format = format or path.suffix.lower().lstrip(".")
        if format not in FORMATS:
            raise CommandError(_("Give --format csv or xlsx (or an output file ending in .csv or .xlsx)."))
        if not path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        # Written beside the target and renamed at the end: a failed export
        # leaves the previous file as it was.
        descriptor, temp = tempfile.mkstemp(prefix=".export-", suffix=path.suffix, dir=path.parent)
        try:
            with translation.override(settings.LANGUAGE_CODE), os.fdopen(descriptor, "wb") as handle:
                count = export_products(handle, format)
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        self.stdout.write(_("%(count)d rows written to %(path)s") % {"count": count, "path": path})

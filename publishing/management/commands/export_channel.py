"""``export_channel --channel CODE --format FORMAT --locale L --output FILE``: a channel's export as a file.

Stores the export as an Artifact too, so ``/feeds/{channel}/{locale}/{format}``
serves the same file. The output is written atomically (a temporary file
beside it, then renamed).
"""

import os
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.exports.registry import FORMATS
from publishing.exports.report import reason_text
from publishing.exports.service import ExportError, build_export

from ._channels import channel_by_code


def _file_mode(output):
    """The mode a plain ``open(output, "w")`` would give: an existing file's
    own, else 0666 less the umask (mkstemp makes its files 0600)."""
    try:
        return output.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(artifact, output):
    folder = output.parent
    if not folder.is_dir():
        raise CommandError(_("Output folder does not exist: %(folder)s") % {"folder": folder})
    descriptor, temp_path = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        os.fchmod(descriptor, _file_mode(output))
        with os.fdopen(descriptor, "wb") as target, artifact.file.open("rb") as source:
            shutil.copyfileobj(source, target)
        os.replace(temp_path, output)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


class Command(BaseCommand):
    help = _("Export a channel's published products as a marketplace feed or spreadsheet.")

    def add_arguments(self, parser):
        parser.add_argument("--channel", required=True, metavar="CODE", help=_("Channel code."))
        parser.add_argument("--format", required=True, metavar="FORMAT",
                            help=_("One of: %(formats)s.") % {"formats": ", ".join(FORMATS)})
        parser.add_argument("--locale", required=True, metavar="L", help=_("Language code, e.g. fi."))
        parser.add_argument("--output", required=True, metavar="FILE", help=_("File to write."))

    def handle(self, *args, channel, format, locale, output, **options):
        if format not in FORMATS:
            raise CommandError(_("Unknown format '%(format)s'. Formats: %(valid)s.")
                               % {"format": format, "valid": ", ".join(FORMATS)})
        channel_obj = channel_by_code(channel)
        output = Path(output)
        if output.is_dir():
            raise CommandError(_("Output is a folder, not a file: %(path)s") % {"path": output})
        if not output.parent.is_dir():
            raise CommandError(_("Output folder does not exist: %(folder)s") % {"folder": output.parent})
        try:
            artifact = build_export(channel_obj, locale, format)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        write_atomically(artifact, output)
        meta = artifact.meta or {}
        self.stdout.write(_("%(path)s: %(items)d items, %(excluded)d left out (%(bytes)d bytes).") % {
            "path": output, "items": meta.get("items", 0), "excluded": meta.get("excluded_count", 0),
            "bytes": artifact.size_bytes,
        })
        for entry in meta.get("excluded", [])[:20]:
            reasons = "; ".join(reason_text(code) for code in entry["reasons"])
            self.stdout.write(f"  {entry['id']}: {reasons}")

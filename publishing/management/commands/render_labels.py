"""render_labels --store CODE --locale L --output FILE.pdf [--channel CODE]: shelf labels of a store."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.pdf.common import RenderInputError, write_output
from publishing.pdf.labels import render_labels


class Command(BaseCommand):
    help = _("Render a sheet of shelf labels for one store in one language (channel default: print).")

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True)
        parser.add_argument("--locale", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--channel", default="print")

    def handle(self, *args, store, locale, output, channel, verbosity=1, **options):
        log = (lambda message, level="info": self.stderr.write(message)) if verbosity > 1 else None
        try:
            artifact = render_labels(store, locale, channel_code=channel, log=log)
        except RenderInputError as error:
            raise CommandError(str(error)) from None
        path = write_output(artifact, output)
        if verbosity:
            self.stdout.write(_("Wrote %(path)s (%(pages)s pages).") % {
                "path": path, "pages": artifact.meta.get("pages", "?")})

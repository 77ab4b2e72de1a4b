"""render_catalog --channel CODE --locale L --output FILE.pdf: the PDF catalog of a channel."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.pdf.catalog import render_catalog
from publishing.pdf.common import RenderInputError, write_output


class Command(BaseCommand):
    help = _("Render the PDF catalog of a channel in one language (reuses an unchanged render).")

    def add_arguments(self, parser):
        parser.add_argument("--channel", required=True)
        parser.add_argument("--locale", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, channel, locale, output, verbosity=1, **options):
        log = (lambda message, level="info": self.stderr.write(message)) if verbosity > 1 else None
        try:
            artifact = render_catalog(channel, locale, log=log)
        except RenderInputError as error:
            raise CommandError(str(error)) from None
        path = write_output(artifact, output)
        if verbosity:
            self.stdout.write(_("Wrote %(path)s (%(pages)s pages).") % {
                "path": path, "pages": artifact.meta.get("pages", "?")})

"""render_brochure CODE --locale L --output FILE.pdf [--variant print|screen]: a campaign brochure."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.pdf.brochure import VARIANTS, render_brochure
from publishing.pdf.common import RenderInputError, write_output


class Command(BaseCommand):
    help = _("Render a campaign brochure in one language: print (CMYK, PDF/X-4, 3 mm bleed) or screen (RGB).")

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--locale", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--variant", default="print", help=" | ".join(VARIANTS))

    def handle(self, *args, code, locale, output, variant, verbosity=1, **options):
        warnings = []

        def log(message, level="info"):
            if level == "warning":
                warnings.append(message)
            if verbosity > 1 or level in ("warning", "error"):
                self.stderr.write(message)

        try:
            artifact = render_brochure(code, locale, variant=variant, log=log)
        except RenderInputError as error:
            raise CommandError(str(error)) from None
        path = write_output(artifact, output)
        if verbosity:
            self.stdout.write(_("Wrote %(path)s (%(pages)s pages, %(variant)s).") % {
                "path": path, "pages": artifact.meta.get("pages", "?"), "variant": variant})

"""The shared shape of the render_* commands: render an artifact, copy it to --output."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.pdf.common import RenderInputError, write_output


class RenderCommand(BaseCommand):
    """Subclasses add their own arguments and implement ``render(log=…, **options)``."""

    channel_default = "print"  # None: --channel is required

    def add_arguments(self, parser):
        if self.channel_default is None:
            parser.add_argument("--channel", required=True)
        else:
            parser.add_argument("--channel", default=self.channel_default)
        parser.add_argument("--locale", required=True)
        parser.add_argument("--output", required=True)

    def render(self, *, log, **options):
        raise NotImplementedError

    def handle(self, *args, output, verbosity=1, **options):
        log = (lambda message, level="info": self.stderr.write(message)) if verbosity > 1 else None
        try:
            artifact = self.render(log=log, **options)
        except RenderInputError as error:
            raise CommandError(str(error)) from None
        path = write_output(artifact, output)
        if verbosity:
            self.stdout.write(_("Wrote %(path)s (%(pages)s pages).") % {
                "path": path, "pages": artifact.meta.get("pages", "?")})

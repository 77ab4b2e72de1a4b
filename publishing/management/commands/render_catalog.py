"""render_catalog --channel CODE --locale L --output FILE.pdf: the PDF catalog of a channel."""

from django.utils.translation import gettext as _

from publishing.pdf.catalog import render_catalog

from ._render import RenderCommand


class Command(RenderCommand):
    help = _("Render the PDF catalog of a channel in one language (reuses an unchanged render).")
    channel_default = None

    def render(self, *, log, channel, locale, **options):
        return render_catalog(channel, locale, log=log)

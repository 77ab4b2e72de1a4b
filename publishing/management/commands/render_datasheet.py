"""render_datasheet SKU --locale L --output FILE.pdf [--channel CODE]: a product's technical datasheet."""

from django.utils.translation import gettext as _

from publishing.pdf.datasheet import render_datasheet

from ._render import RenderCommand


class Command(RenderCommand):
    help = _("Render the datasheet of one product in one language (channel default: print).")

    def add_arguments(self, parser):
        parser.add_argument("sku")
        super().add_arguments(parser)

    def render(self, *, log, sku, locale, channel, **options):
        return render_datasheet(sku, locale, channel_code=channel, log=log)

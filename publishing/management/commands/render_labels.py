"""render_labels --store CODE --locale L --output FILE.pdf [--channel CODE]: shelf labels of a store."""

from django.utils.translation import gettext as _

from publishing.pdf.labels import render_labels

from ._render import RenderCommand


class Command(RenderCommand):
    help = _("Render a sheet of shelf labels for one store in one language (channel default: print).")

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True)
        super().add_arguments(parser)

    def render(self, *, log, store, locale, channel, **options):
        return render_labels(store, locale, channel_code=channel, log=log)

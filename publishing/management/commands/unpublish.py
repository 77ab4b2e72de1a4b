"""``unpublish --channel CODE SKU [SKU …]``: withdraw products from a channel."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from publishing.services import unpublish

from ._channels import channel_by_code, products_by_sku


class Command(BaseCommand):
    help = _("Withdraw products from a channel; its feed then carries tombstones for them.")

    def add_arguments(self, parser):
        parser.add_argument("--channel", metavar="CODE", required=True, help=_("Channel code."))
        parser.add_argument("skus", nargs="+", metavar="SKU", help=_("Product SKUs."))

    def handle(self, *args, channel, skus, **options):
        channel = channel_by_code(channel)
        products = products_by_sku(skus)
        with transaction.atomic():
            outcomes = [unpublish(product, channel) for product in products]
        for outcome in outcomes:
            languages = ", ".join(sorted(outcome.tombstoned)) or _("nothing was published")
            self.stdout.write(_("%(sku)s withdrawn from %(channel)s (%(languages)s)") % {
                "sku": outcome.sku, "channel": channel.code, "languages": languages,
            })

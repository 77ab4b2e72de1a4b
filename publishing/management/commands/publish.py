"""``publish [--channel CODE | --all] [SKU …]``: (re)publish what is due."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.services import publish_due

from ._channels import channel_by_code, products_by_sku


class Command(BaseCommand):
    help = _(
        "(Re)publish what is due on one channel or on all of them; with SKUs, "
        "publish exactly those products on --channel, or without it republish "
        "them where they are published (an unpublish stays)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--channel", metavar="CODE", help=_("Channel code."))
        target.add_argument("--all", action="store_true", help=_("Every active channel (the default)."))
        parser.add_argument("skus", nargs="*", metavar="SKU", help=_("Product SKUs."))

    def handle(self, *args, channel=None, skus=(), **options):
        channels = [channel_by_code(channel)] if channel else None
        if skus:
            products_by_sku(skus)
        results = publish_due(channels=channels, skus=list(skus) or None)
        refused = []
        for code, summary in results.items():
            self.stdout.write(_(
                "%(channel)s: %(published)d published, %(unchanged)d unchanged, %(held)d held, "
                "%(withdrawn)d withdrawn, %(refused)d refused, %(documents)d documents written"
            ) % {
                "channel": code, "published": summary["published"], "unchanged": summary["unchanged"],
                "held": summary["held"], "withdrawn": summary["withdrawn"], "refused": summary["refused"],
                "documents": summary["documents_written"],
            })
            for sku, reason in summary["refusals"].items():
                self.stdout.write(f"  {code} {sku}: {reason}")
                refused.append(f"{sku}@{code}")
        if skus and refused:
            raise CommandError(_("Not published: %(items)s") % {"items": ", ".join(refused)})
        if skus and not channel:
            # Without --channel a product is republished only where it is
            # wanted; one wanted nowhere was left alone, which the user must hear.
            nowhere = set(skus).intersection(*(summary["not_wanted"] for summary in results.values()))
            if nowhere:
                raise CommandError(_(
                    "Not published on any channel, left alone: %(skus)s (publish with --channel CODE)"
                ) % {"skus": ", ".join(sorted(nowhere))})

"""Argument helpers shared by the publish and unpublish commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from catalog.models import Product
from publishing.models import Channel


def channel_by_code(code):
    try:
        return Channel.objects.select_related("price_list").get(code=code)
    except Channel.DoesNotExist:
        known = ", ".join(Channel.objects.order_by("code").values_list("code", flat=True)) or "-"
        raise CommandError(_("Unknown channel: %(code)s (known: %(known)s)") % {"code": code, "known": known}) from None


def products_by_sku(skus):
    found = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    unknown = [sku for sku in skus if sku not in found]
    if unknown:
        raise CommandError(_("Unknown SKU: %(skus)s") % {"skus": ", ".join(unknown)})
    return [found[sku] for sku in dict.fromkeys(skus)]

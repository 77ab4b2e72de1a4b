"""Builders for publishing tests: channels and products that pass the gates."""

import hashlib

from catalog.models import ImageFile, ProductImage
from publishing.models import Channel, ChannelLanguage
from tests.factories import make_price_list, make_product, unique


def make_channel(code=None, languages=("en", "fi"), no_fallback=(), price_list=None, **fields):
    channel = Channel.objects.create(
        code=code or unique("ch"), name=(code or "channel").title(),
        price_list=price_list if price_list is not None else make_price_list("retail"), **fields,
    )
    for position, language in enumerate(languages):
        ChannelLanguage.objects.create(
            channel=channel, language_code=language, position=position,
            fallback_allowed=language not in no_fallback,
        )
    return channel


def make_image(product, alt=None, variant=None, width=1600, height=1200, role=ProductImage.Role.MAIN):
    seed = unique("img")
    sha = hashlib.sha256(seed.encode()).hexdigest()
    image_file = ImageFile.objects.create(
        sha256=sha, file=f"images/{sha}.jpg", width=width, height=height, format="JPEG", size_bytes=1000,
    )
    image = ProductImage(product=product, variant=variant, image_file=image_file, role=role)
    for language, text in (alt or {"en": "A drill"}).items():
        image.set_current_language(language)
        image.alt = text
    image.save()
    return image


def make_complete_product(sku=None, names=None, price="12.90", **fields):
    """A product complete in every language it has a name in."""
    product = make_product(sku=sku, names=names, price=price, **fields)
    make_image(product)
    return product

"""Published catalogs for the PDF tests and the render benchmark: real images, fi/ru names, stock, variants."""

import io
import random
from decimal import Decimal

from PIL import Image

from catalog.images import ingest_image
from catalog.models import Attribute, Price, ProductImage, ProductRelation, Stock
from publishing.models import Channel, ChannelLanguage
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_product,
    make_store, make_variant, set_value,
)
from tests.pdf.gtin import gtin13

LANGS = ("en", "fi", "ru")
NAMES = [
    {"en": "Cordless drill", "fi": "Akkuporakone", "ru": "Аккумуляторная дрель"},
    {"en": "Angle grinder", "fi": "Kulmahiomakone", "ru": "Угловая шлифмашина"},
    {"en": "Circular saw", "fi": "Pyörösaha", "ru": "Циркулярная пила"},
    {"en": "Jigsaw", "fi": "Pistosaha", "ru": "Лобзик"},
    {"en": "Impact driver", "fi": "Iskevä ruuvinväännin", "ru": "Ударный шуруповёрт"},
    {"en": "Garden hose", "fi": "Puutarhaletku", "ru": "Садовый шланг"},
]
CATEGORY_NAMES = [
    {"en": "Power tools", "fi": "Sähkötyökalut", "ru": "Электроинструменты"},
    {"en": "Garden", "fi": "Puutarha", "ru": "Сад"},
    {"en": "Hand tools", "fi": "Käsityökalut", "ru": "Ручные инструменты"},
]


def jpeg_bytes(seed, size=(800, 600)):
    rng = random.Random(seed)
    colour = tuple(rng.randrange(40, 220) for _ in range(3))
    image = Image.new("RGB", size, colour)
    for _ in range(6):  # a few shapes so renditions are not all identical
        x, y = rng.randrange(size[0] - 100), rng.randrange(size[1] - 100)
        image.paste(tuple(rng.randrange(256) for _ in range(3)), (x, y, x + 100, y + 100))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def make_print_channel(code="print", languages=LANGS, **extra):
    """A channel (the print one unless told otherwise) in ``languages`` on the retail price list."""
    extra.setdefault("name", "Print " + code)
    channel = Channel.objects.create(code=code, price_list=make_price_list("retail"), **extra)
    for position, language in enumerate(languages):
        ChannelLanguage.objects.create(channel=channel, language_code=language, position=position)
    return channel


def build_catalog(count=6, *, channel=None, seed=1, images=True, image_pool=4):
    """``count`` complete products in 3 categories, published to ``channel``
    (default: a new ``print`` channel in en/fi/ru). Returns a dict of parts."""
    rng = random.Random(seed)
    channel = channel or make_print_channel()
    price_list = make_price_list("retail")
    categories = [make_category(code=f"cat{i}", names=names) for i, names in enumerate(CATEGORY_NAMES)]
    weight = make_attribute("weight", type=Attribute.Type.MEASUREMENT, unit="kg",
                            labels={"en": "Weight", "fi": "Paino", "ru": "Вес"}, decimal_places=1)
    power = make_attribute("power", type=Attribute.Type.MEASUREMENT, unit="W",
                           labels={"en": "Power", "fi": "Teho", "ru": "Мощность"})
    colour = make_attribute("colour", type=Attribute.Type.SELECT,
                            labels={"en": "Colour", "fi": "Väri", "ru": "Цвет"})
    red = make_option(colour, "red", {"en": "Red", "fi": "Punainen", "ru": "Красный"})
    blue = make_option(colour, "blue", {"en": "Blue", "fi": "Sininen", "ru": "Синий"})
    family = make_family("tools", attributes=[weight, power, colour])
    brand = make_brand(name="Nordtool")
    stores = [make_store(code="hel1", names={"en": "Kamppi", "fi": "Kamppi", "ru": "Камппи"}),
              make_store(code="esp1", names={"en": "Tapiola", "fi": "Tapiola", "ru": "Тапиола"})]
    pool = []
    if images:
        pool = [ingest_image(jpeg_bytes(seed * 100 + i), name=f"p{i}.jpg") for i in range(image_pool)]
    products = []
    for index in range(count):
        base = NAMES[index % len(NAMES)]
        suffix = f" {index // len(NAMES) + 1}" if index >= len(NAMES) else ""
        names = {lang: name + suffix for lang, name in base.items()}
        sku = f"PDF-{index + 1:05d}"
        product = make_product(
            sku=sku, names=names, family=family, brand=brand, categories=[categories[index % 3]],
            price=str(Decimal(rng.randrange(990, 49990)) / 100), price_list=price_list,
            gtin=gtin13(index + 1),
        )
        for lang, name in names.items():
            product.set_current_language(lang)
            product.short_description = f"<p>{name}: {'kestävä ja kevyt' if lang == 'fi' else 'durable'}.</p>"
        product.save()
        set_value(product, weight, Decimal(rng.randrange(5, 60)) / 10)
        set_value(product, power, rng.randrange(300, 2000))
        set_value(product, colour, red if index % 2 else blue)
        if pool:
            image = ProductImage(product=product, image_file=pool[index % len(pool)], role=ProductImage.Role.MAIN)
            for lang, name in names.items():
                image.set_current_language(lang)
                image.alt = name
            image.save()
        if index % 3 == 0:
            for v, option in enumerate((red, blue)):
                variant = make_variant(product, sku=f"{sku}-{option.code.upper()}", axis_values=[option],
                                       gtin=gtin13(100000 + index * 10 + v))
                Price.objects.create(price_list=price_list, product=product, variant=variant,
                                     amount=Decimal("19.90") + v)
                Stock.objects.create(store=stores[0], product=product, variant=variant, quantity=3 + v)
        else:
            Stock.objects.create(store=stores[index % 2], product=product, quantity=5 + index)
        products.append(product)
    if len(products) > 2:
        ProductRelation.objects.create(product=products[0], related=products[1], kind=ProductRelation.Kind.ACCESSORY)
        ProductRelation.objects.create(product=products[0], related=products[2], kind=ProductRelation.Kind.SPARE_PART)
    publish_channel(channel)
    stamp_pending()
    return {"channel": channel, "products": products, "stores": stores, "categories": categories}

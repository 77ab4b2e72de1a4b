"""Fixtures of the brochure tests: a published print channel (en/fi/ru/bg), a campaign brochure, the web channel."""

import datetime

import pytest
from django.core.cache import cache

from catalog.images import ingest_image
from catalog.models import ProductImage
from publishing.models import Brochure, BrochureItem, Channel
from publishing.sequencing import stamp_pending
from publishing.services import publish_channel
from publishing.web import pages
from tests.pdf.builders import build_catalog, jpeg_bytes, make_print_channel

LANGUAGES = ("en", "fi", "ru", "bg")
BG_NAMES = ["Акумулаторна бормашина", "Ъглошлайф", "Циркуляр", "Прободен трион", "Ударен винтоверт", "Градински маркуч"]
# 1400 px across an 86 mm photo box is over 400 dpi; 240 px is about 70 dpi.
LARGE = (1400, 850)
SMALL = (240, 160)


def set_main_image(product, size, seed):
    ProductImage.objects.filter(product=product).delete()
    image = ProductImage(product=product, image_file=ingest_image(jpeg_bytes(seed, size=size), name=f"{seed}.jpg"),
                         role=ProductImage.Role.MAIN)
    image.set_current_language("en")
    image.alt = product.safe_translation_getter("name", language_code="en")
    image.save()


def build_brochure_catalog(count=6, *, small_image_index=None, code="spring", page_size="A4", channel=None):
    """``count`` products published on a print channel in en/fi/ru/bg with large
    photos (one small one if asked) and a brochure over all of them."""
    channel = channel or make_print_channel(languages=LANGUAGES)
    parts = build_catalog(count, channel=channel, images=False)
    products = parts["products"]
    for index, product in enumerate(products):
        product.set_current_language("bg")
        product.name = BG_NAMES[index % len(BG_NAMES)] + (f" {index}" if index >= len(BG_NAMES) else "")
        product.slug = f"{product.sku.lower()}-bg"
        product.short_description = "<p>Здрав и лек.</p>"
        product.save()
        set_main_image(product, SMALL if index == small_image_index else LARGE, seed=1000 + index)
    publish_channel(channel)
    stamp_pending()
    brochure = Brochure.objects.create(
        code=code, channel=channel, languages=list(LANGUAGES), page_size=page_size, promo_code="SPRING26",
        primary_color="#0b5cad", primary_cmyk="100,60,0,5", accent_color="#f2a900",
        valid_from=datetime.date(2026, 3, 1), valid_until=datetime.date(2026, 4, 30),
    )
    titles = {"en": "Spring tools", "fi": "Kevään työkalut", "ru": "Весенние инструменты",
              "bg": "Пролетни инструменти"}
    for language, title in titles.items():
        brochure.set_current_language(language)
        brochure.title = title
        brochure.banner = {"ru": "Скидки до 30 %", "bg": "Намаления до 30 %"}.get(language, "Up to 30 % off")
    brochure.save()
    BrochureItem.objects.bulk_create(
        BrochureItem(brochure=brochure, product=product, position=index) for index, product in enumerate(products)
    )
    return {"channel": channel, "products": products, "brochure": brochure}


@pytest.fixture(autouse=True)
def _fresh_translation_cache():
    """parler caches translations by primary key; a rolled-back test leaves
    entries that a later test (same keys) would take for saved rows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def campaign(db):
    """The brochure's products, also published on the web channel where its QR codes land."""
    parts = build_brochure_catalog(6, small_image_index=5)
    web = make_print_channel("web", languages=LANGUAGES, name="Web shop", kind=Channel.Kind.WEB)
    publish_channel(web)
    stamp_pending()
    pages.clear_cache()
    return {**parts, "web": web}

"""Fixtures: a web channel with one product in several languages, a brochure and its short links."""

import pytest

from publishing.models import Brochure, Channel, ShortLink
from publishing.web import pages
from tests.web.conftest import LANGS, NAMES, make_document, store, tombstone  # noqa: F401

BANNERS = {"en": "Spring sale in the brochure", "fi": "Kevätale esitteessä", "hu": "Tavaszi akció Őrség"}


@pytest.fixture(autouse=True)
def _fresh_index():
    pages.clear_cache()
    yield
    pages.clear_cache()


@pytest.fixture
def web(db):
    from publishing.models import ChannelLanguage

    channel = Channel.objects.create(code="web", name="Web shop", kind=Channel.Kind.WEB)
    for position, code in enumerate(LANGS):
        ChannelLanguage.objects.create(channel=channel, language_code=code, position=position)
    return channel


@pytest.fixture
def drill(web):
    return {lang: store(web, make_document("DR-1", lang, name, slug, price="129.00"))
            for lang, (name, slug) in NAMES.items()}


def make_brochure(channel, code="spring", banners=BANNERS, **extra):
    brochure = Brochure(code=code, channel=channel, promo_code=extra.pop("promo_code", "SPRING26"),
                        primary_color="#123456", accent_color="#ffcc00", typeface=Brochure.Typeface.SERIF, **extra)
    for lang, text in banners.items():
        brochure.set_current_language(lang)
        brochure.title = f"Brochure {lang}"
        brochure.banner = text
    brochure.save()
    return brochure


@pytest.fixture
def brochure(web):
    return make_brochure(web)


def make_link(brochure, sku="DR-1", lang="hu", code=None, **extra):
    return ShortLink.objects.create(code=code or f"k{sku.lower()}{lang}"[:16].replace("-", ""), brochure=brochure,
                                    sku=sku, language_code=lang, campaign=brochure.code if brochure else "gone",
                                    **extra)

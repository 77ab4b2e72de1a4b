"""The default demo catalog: languages, identifiers, reference data, channels,
the brochure, what got published and what the feed serves."""

import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image
from stdnum import ean

from catalog.demo import vocabulary as V
from catalog.demo.plan import Planner
from catalog.models import (
    Attribute, AttributeOption, AttributeValue, Category, Family, ImageFile, Price, PriceList, Product,
    ProductDocument, ProductImage, ProductRelation, Rendition, Stock, Store, Variant,
)
from publishing.campaigns import short_url
from publishing.models import (
    Brochure, Channel, ChannelToken, Completeness, ProductSnapshot, ShortLink,
)

LANGS = {"en", "fi", "hu", "ru", "bg"}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
pytestmark = pytest.mark.usefixtures("demo_db")


def translations():
    return Product._parler_meta.root_model.objects.all()


def test_default_size_and_summary(demo):
    assert Product.objects.count() == 60
    assert "Demo catalog loaded: 60 products" in demo["output"]


def test_every_product_has_every_language_with_real_words():
    rows = list(translations().values("master_id", "language_code", "name", "slug", "short_description",
                                      "description", "marketing_claims"))
    by_product = {}
    for row in rows:
        by_product.setdefault(row["master_id"], {})[row["language_code"]] = row
    assert len(by_product) == 60
    for languages in by_product.values():
        assert set(languages) == LANGS
        assert all(row["name"] and row["slug"] and row["marketing_claims"] for row in languages.values())
        assert CYRILLIC.search(languages["ru"]["name"]) and CYRILLIC.search(languages["bg"]["name"])
        assert not CYRILLIC.search(languages["fi"]["name"])
        assert languages["en"]["description"].startswith("<p><strong>")
    texts = " ".join(row["description"] + row["name"] for row in rows)
    for letter in ("ő", "ű", "ä", "ö", "Ж", "ж"):
        assert letter in texts or letter.lower() in texts.lower(), letter
    # Slugs keep Cyrillic (percent-encoded in URLs) and are unique per language.
    ru_slugs = [row["slug"] for row in rows if row["language_code"] == "ru"]
    assert len(set(ru_slugs)) == 60 and all(CYRILLIC.search(slug) for slug in ru_slugs)


def test_gtins_are_valid_and_unique():
    gtins = list(Product.objects.values_list("gtin", flat=True)) + list(Variant.objects.values_list("gtin", flat=True))
    assert len(gtins) > 60
    assert all(len(gtin) == 13 and ean.is_valid(gtin) for gtin in gtins)
    assert len(set(gtins)) == len(gtins)
    assert all(Product.objects.values_list("mpn", flat=True))


def test_reference_data():
    assert Category.objects.filter(depth=2).count() >= 15
    drills = Category.objects.get(code="drills")
    assert drills.tree_path == "tools/power-tools/drills/"
    assert Category.objects.get(code="lawn-mowers").google_product_category == "694"
    assert Category.objects.filter(depth=0).exclude(google_product_category="").count() == 3
    assert set(Attribute.objects.values_list("type", flat=True)) >= {
        "text", "number", "measurement", "boolean", "select", "multi_select", "date",
    }
    power = Attribute.objects.get(code="power")
    assert (power.type, power.unit) == ("measurement", "W")
    red = AttributeOption.objects.get(attribute__code="colour", code="red")
    assert red.safe_translation_getter("label", language_code="ru") == "Красный"
    assert red.safe_translation_getter("label", language_code="hu") == "Piros"
    assert Family.objects.get(code="power_tool").family_attributes.filter(required=True).count() == 3
    assert AttributeValue.objects.filter(attribute__type="multi_select", options__isnull=False).exists()
    assert AttributeValue.objects.filter(attribute__code="care", language_code="bg").exists()
    assert Store.objects.filter(kind="warehouse").count() == 1
    assert {"helsinki-kamppi", "tampere-ratina", "budapest-westend", "sofia-center"} <= set(
        Store.objects.values_list("code", flat=True))
    assert set(PriceList.objects.values_list("code", "currency")) == {("retail-eur", "EUR"), ("reseller-eur", "EUR")}


def test_prices_stock_variants_and_relations():
    retail = PriceList.objects.get(code="retail-eur")
    amount = Price.objects.filter(price_list=retail).first().amount
    assert isinstance(amount, Decimal) and amount > 0
    assert Price.objects.filter(price_list=retail, valid_from__isnull=False).exists()  # sales
    assert Price.objects.filter(price_list__code="reseller-eur").count() == Price.objects.filter(
        price_list=retail, valid_from__isnull=True).count()
    variant = Variant.objects.filter(axis_values__attribute__code="colour").first()
    assert variant is not None and variant.sku.startswith(variant.product.sku + "-")
    assert Stock.objects.filter(variant=variant).count() == len(V.STORES)
    assert Variant.objects.filter(axis_values__attribute__code="size").exists()
    kinds = set(ProductRelation.objects.values_list("kind", flat=True))
    assert {"accessory", "spare_part", "replacement"} <= kinds
    old = Product.objects.filter(status="discontinued").first()
    assert old is not None and old.replacement is not None and old.replacement.status == "active"


def test_pictures_are_shared_generated_jpegs_with_alt_text_and_renditions():
    files = list(ImageFile.objects.all())
    assert 0 < len(files) <= 50
    for image_file in files[:5]:
        with default_storage.open(image_file.file.name) as handle, Image.open(handle) as image:
            assert (image.format, image.size) == ("JPEG", (800, 800))
    assert Rendition.objects.count() == 4 * len(files)  # 320 and 640, WebP and JPEG
    assert all(default_storage.exists(r.file.name) for r in Rendition.objects.all()[:8])
    assert ProductImage.objects.values("product").distinct().count() == 60
    alt = ProductImage._parler_meta.root_model.objects.filter(language_code="bg").first().alt
    assert CYRILLIC.search(alt)
    assert ProductImage.objects.filter(variant__isnull=False).exists()


def test_channels():
    channels = {c.code: c for c in Channel.objects.prefetch_related("languages")}
    assert set(channels) == {"web", "app", "print", "google-fi"}
    for code in ("web", "app", "print"):
        assert set(channels[code].language_codes) == LANGS
        assert channels[code].kind == ("web" if code == "web" else code)
        assert (channels[code].currency, channels[code].price_list.code) == ("EUR", "retail-eur")
    google = channels["google-fi"]
    assert (google.kind, google.feed_label, google.currency, google.language_codes) == (
        "marketplace", "FI", "EUR", ["fi"])


def test_brochure_with_short_links():
    brochure = Brochure.objects.get(code="demo")
    assert brochure.channel.code == "print"
    assert brochure.promo_code == "SPRING26"
    assert set(brochure.languages) == LANGS
    assert brochure.items.count() == 8
    for lang in LANGS:
        assert brochure.safe_translation_getter("title", language_code=lang)
        assert "SPRING26" in brochure.safe_translation_getter("banner", language_code=lang)
    links = ShortLink.objects.filter(brochure=brochure)
    assert links.count() == 8 * 5
    assert short_url(links.first()).startswith(django_settings.PIM_BASE_URL + "/q/")
    # Every brochure product is published on print in every language.
    skus = set(brochure.items.values_list("product__sku", flat=True))
    live = ProductSnapshot.objects.filter(channel__code="print", deleted=False, sku__in=skus)
    assert live.count() == 8 * 5


def test_complete_products_published_incomplete_ones_not():
    planner = Planner(2026, 60)
    missing_attribute = {planner.sku_of(i) for i in range(60) if planner.incomplete_kind(i) == "attribute"}
    missing_bg = {planner.sku_of(i) for i in range(60) if planner.incomplete_kind(i) == "bg-text"}
    assert missing_attribute and missing_bg
    for channel in Channel.objects.all():
        live = ProductSnapshot.objects.filter(channel=channel, deleted=False, seq__isnull=False)
        live_skus = set(live.values_list("sku", flat=True))
        incomplete = {
            sku for sku, locale, missing in Completeness.objects.filter(channel=channel)
            .values_list("product__sku", "language_code", "missing") if missing
        }
        complete = set(Product.objects.values_list("sku", flat=True)) - incomplete
        assert complete <= live_skus, channel.code
        assert not live_skus & missing_attribute, channel.code
        assert len(live_skus) == 60 - len(missing_attribute), channel.code
        assert not ProductSnapshot.objects.filter(channel=channel, pending=True).exists()
    # Completeness names what is missing.
    row = Completeness.objects.get(channel__code="web", product__sku=sorted(missing_attribute)[0], language_code="fi")
    assert row.missing and row.missing[0].startswith("attr:")
    # Print allows no fallback: the untranslated Bulgarian text withholds bg alone.
    sku = sorted(missing_bg)[0]
    print_locales = set(ProductSnapshot.objects.filter(channel__code="print", sku=sku).values_list("locale", flat=True))
    assert print_locales == LANGS - {"bg"}
    bg_row = Completeness.objects.get(channel__code="print", product__sku=sku, language_code="bg")
    assert "description" in bg_row.missing
    # The web shop allows fallback and says so in the document.
    web_bg = ProductSnapshot.objects.get(channel__code="web", sku=sku, locale="bg").document
    assert "description" in web_bg["fallback"]


def test_same_seed_same_catalog():
    planner = Planner(2026, 60)
    stored = dict(translations().filter(language_code="hu").values_list("master__sku", "name"))
    assert stored == {planner.sku_of(i): planner.plan(i).names["hu"] for i in range(60)}


def test_feed_serves_the_published_products():
    channel = Channel.objects.get(code="web")
    _token, raw = ChannelToken.issue(channel, name="demo test")
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    response = client.get("/api/v1/channels/web/products/", {"locale": "ru", "limit": 1000})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["results"]) == ProductSnapshot.objects.filter(channel=channel, locale="ru", deleted=False).count()
    item = next(r for r in body["results"] if r["variants"])
    assert CYRILLIC.search(item["name"])
    assert item["price"]["currency"] == "EUR"
    assert item["images"][0]["url"].startswith(django_settings.PIM_MEDIA_URL)
    assert item["images"][0]["renditions"]
    assert item["stores"] and item["categories"][0]["path"]
    google = Channel.objects.get(code="google-fi")
    _token, raw = ChannelToken.issue(google)
    response = Client(HTTP_AUTHORIZATION=f"Token {raw}").get(
        "/api/v1/channels/google-fi/products/", {"locale": "fi", "limit": 5})
    assert response.status_code == 200 and len(response.json()["results"]) == 5


def test_second_load_is_refused():
    with pytest.raises(CommandError, match="--append"):
        call_command("load_demo_catalog", "--products", "3")
    assert Product.objects.count() == 60


def test_search_text_is_written_as_the_catalog_composes_it():
    from catalog import search

    texts = search.texts_for(Product.objects.values_list("pk", flat=True))
    assert all(stored == fresh for stored, fresh in texts.values())
    drills = Product.objects.filter(search.search_filter("ДРЕЛЬ"))
    assert drills.exists() and all(p.sku[:2] in ("PD", "HD") for p in drills)
    mowers = Product.objects.filter(search.search_filter("FŰNYÍRÓ"))
    assert mowers.exists() and all(p.sku.startswith("LM-") for p in mowers)


def test_machines_come_with_a_manual_in_every_language():
    drill = Product.objects.filter(family__code="power_tool").first()
    manuals = {d.language_code: d for d in ProductDocument.objects.filter(product=drill)}
    assert set(manuals) == LANGS
    assert manuals["ru"].title == "Руководство пользователя"
    with default_storage.open(manuals["bg"].file.name) as handle:
        assert handle.read(5) == b"%PDF-"
    assert not ProductDocument.objects.filter(product__family__code="accessory").exists()

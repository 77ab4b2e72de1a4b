"""Google Merchant Center feeds checked against the product data rules, parsed with lxml."""

import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from lxml import etree

from catalog.models import Price, Product, Variant
from publishing.exports.service import build_export
from publishing.models import Artifact, ProductSnapshot
from publishing.sequencing import stamp_pending
from publishing.services import publish
from tests.exports.conftest import bulk_documents, document

G = "http://base.google.com/ns/1.0"
PRICE_RE = re.compile(r"^\d+\.\d{2} [A-Z]{3}$")
AVAILABILITY = {"in_stock", "out_of_stock", "preorder", "backorder"}
REQUIRED = ("id", "title", "description", "link", "image_link", "availability", "price", "condition")


def read_bytes(artifact):
    with artifact.file.open("rb") as handle:
        return handle.read()


def items_of(artifact):
    root = etree.fromstring(read_bytes(artifact))
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.nsmap.get("g") == G
    items = {}
    for item in root.iterfind("channel/item"):
        fields = {}
        for child in item:
            assert etree.QName(child).namespace == G, child.tag
            fields.setdefault(etree.QName(child).localname, []).append(child.text)
        items[fields["id"][0]] = fields
    return root, items


@pytest.fixture
def xml(channel, catalog):
    return {locale: build_export(channel, locale, "google-xml") for locale in ("en", "fi")}


def media_file_exists(url):
    """Whether a media URL of a feed names a file in storage (what the media server serves)."""
    assert url.startswith(settings.PIM_MEDIA_URL), url
    return default_storage.exists(unquote(url.removeprefix(settings.PIM_MEDIA_URL)))


def identifiers_of(item_id):
    """(gtin, mpn, brand) of an item's product or variant, from the truth."""
    variant = Variant.objects.select_related("product__brand").filter(sku=item_id).first()
    product = variant.product if variant else Product.objects.select_related("brand").get(sku=item_id)
    gtin = variant.gtin if variant else product.gtin
    return gtin or None, product.mpn or None, product.brand.name if product.brand else None


def check_identifiers(fields, gtin, mpn, brand):
    """Google's rule: gtin when there is one, else mpn + brand, else identifier_exists no."""
    assert fields.get("gtin") == ([gtin] if gtin else None)
    assert fields.get("mpn") == ([mpn] if mpn else None)
    assert fields.get("brand") == ([brand] if brand else None)
    if gtin or (mpn and brand):
        assert "identifier_exists" not in fields
    else:
        assert fields["identifier_exists"] == ["no"]


def test_every_item_follows_the_specification(client, xml):
    root, items = items_of(xml["fi"])
    assert root.findtext("channel/language") == "fi"
    assert read_bytes(xml["fi"]).count(b"xmlns:") == 1  # g: declared once, on <rss>
    assert set(items) == {"DRILL-1", "SHIRT-1-RED-M", "SHIRT-1-BLUE-M"}
    for item_id, fields in items.items():
        check_identifiers(fields, *identifiers_of(item_id))
        for url in fields["image_link"] + fields.get("additional_image_link", []):
            assert media_file_exists(url), url
        for name in REQUIRED:
            assert fields.get(name) and fields[name][0], name
        assert len(fields["id"][0]) <= 50
        assert len(fields["title"][0]) <= 150
        assert len(fields["description"][0]) <= 5000
        assert "<" not in fields["description"][0]
        assert PRICE_RE.match(fields["price"][0])
        assert fields["availability"][0] in AVAILABILITY
        assert len(fields.get("additional_image_link", [])) <= 10
        for url in fields["link"] + fields["image_link"] + fields.get("additional_image_link", []):
            assert url.startswith("http://127.0.0.1:8000/") and url.isascii() and len(url) <= 2000
        # the product page resolves in the test client: 200, not a redirect
        # (a discontinued product's page redirects to its replacement)
        assert client.get(fields["link"][0].removeprefix("http://127.0.0.1:8000")).status_code == 200
    # the replaced drill is published, but its page is a redirect: it stays out
    old_page = ProductSnapshot.objects.get(channel__code="gmc", sku="OLD-DRILL-1", locale="fi",
                                           deleted=False).document["url"]
    assert client.get(old_page.removeprefix("http://127.0.0.1:8000")).status_code == 301


def test_drill_values(xml):
    _root, en = items_of(xml["en"])
    _root, fi = items_of(xml["fi"])
    drill_en, drill_fi = en["DRILL-1"], fi["DRILL-1"]
    assert drill_en["title"] == ["Cordless drill"] and drill_fi["title"] == ["Akkuporakone"]
    assert drill_en["description"] == ["Two speeds & LED light.\n18 V"]
    assert drill_en["price"] == ["129.90 EUR"]
    assert drill_en["availability"] == ["in_stock"]
    assert drill_en["gtin"] == ["4006381333931"] and drill_en["mpn"] == ["ND-18"]
    assert "identifier_exists" not in drill_en
    assert drill_en["brand"] == ["Nordtool"] and drill_en["condition"] == ["new"]
    # mapped on the parent category, inherited by "drills"
    assert drill_en["google_product_category"] == ["1167"]
    assert drill_en["product_type"] == ["Tools > Drills"]
    assert drill_fi["product_type"] == ["Työkalut > Porakoneet"]
    assert drill_en["shipping_weight"] == ["1450 g"]
    assert len(drill_en["additional_image_link"]) == 1
    assert drill_en["link"][0].startswith("http://127.0.0.1:8000/en/p/")
    assert drill_fi["link"][0].startswith("http://127.0.0.1:8000/fi/p/")


def test_same_ids_in_every_language_and_variants_grouped(xml):
    _root, en = items_of(xml["en"])
    _root, fi = items_of(xml["fi"])
    assert set(en) == set(fi)
    red, blue = fi["SHIRT-1-RED-M"], fi["SHIRT-1-BLUE-M"]
    assert red["item_group_id"] == blue["item_group_id"] == ["SHIRT-1"]
    assert red["color"] == ["Punainen"] and blue["color"] == ["Sininen"] and red["size"] == ["M"]
    assert en["SHIRT-1-RED-M"]["color"] == ["Red"]
    assert red["price"] == ["19.90 EUR"] and blue["price"] == ["21.50 EUR"]
    # no GTIN and no MPN: Google is told the item has no identifiers
    assert red["identifier_exists"] == ["no"]
    assert "variant=SHIRT-1-RED-M" in red["link"][0]


def test_item_without_price_left_out_and_reported(xml, admin_client):
    _root, items = items_of(xml["en"])
    assert "NOPRICE-1" not in items
    meta = xml["en"].meta
    assert meta["excluded_count"] == 2
    assert meta["excluded"] == [{"sku": "NOPRICE-1", "id": "NOPRICE-1", "reasons": ["no_price"]},
                                {"sku": "OLD-DRILL-1", "id": "OLD-DRILL-1", "reasons": ["discontinued"]}]
    assert meta["items"] == 3 and meta["products"] == 4
    # the report is visible in the admin
    page = admin_client.get(f"/admin/publishing/artifact/{xml['en'].pk}/change/")
    assert page.status_code == 200
    assert "NOPRICE-1" in page.content.decode() and "No price in this channel." in page.content.decode()
    assert "The product is discontinued" in page.content.decode()


def test_one_file_per_language_and_feed_label(xml):
    assert xml["fi"].meta["filename"] == "gmc-fi-FI-google-xml.xml"
    assert xml["en"].meta["feed_label"] == "FI"
    assert xml["fi"].content_hash != xml["en"].content_hash
    assert Artifact.objects.filter(kind="export", channel__code="gmc", format="google-xml").count() == 2


def test_tsv_has_the_same_items(channel, catalog, xml):
    artifact = build_export(channel, "fi", "google-tsv")
    rows = list(csv.DictReader(io.StringIO(read_bytes(artifact).decode("utf-8")), delimiter="\t"))
    _root, items = items_of(xml["fi"])
    assert {row["id"] for row in rows} == set(items)
    drill = next(row for row in rows if row["id"] == "DRILL-1")
    assert drill["title"] == "Akkuporakone" and drill["price"] == "129.90 EUR"
    assert drill["product_type"] == "Työkalut > Porakoneet" and drill["item_group_id"] == ""
    assert "\n" not in drill["description"]


def test_long_texts_are_cut_and_html_stripped(channel):
    bulk_documents(channel, 1)
    ProductSnapshot.objects.filter(sku="BULK000001").update(document=document(
        "BULK000001", "en", name="Ő" * 400, description="<div>" + "word " * 2000 + "</div>",
    ))
    artifact = build_export(channel, "en", "google-xml")
    _root, items = items_of(artifact)
    item = items["BULK000001"]
    assert len(item["title"][0]) == 150 and item["title"][0].endswith("…")
    assert len(item["description"][0]) <= 5000
    assert artifact.meta["warnings"] == {"title_shortened": 1, "description_shortened": 1}


@pytest.mark.parametrize(("changes", "reason"), [
    ({"price": None}, "no_price"),
    ({"images": []}, "no_image"),
    ({"url": None}, "no_link"),
    ({"name": "  "}, "no_title"),
    ({"gtin": "4006381333932"}, "invalid_gtin"),
    ({"url": "ftp://example.com/x"}, "invalid_link"),
])
def test_invalid_items_are_never_sent(channel, changes, reason):
    bulk_documents(channel, 2)
    ProductSnapshot.objects.filter(sku="BULK000002").update(document=document("BULK000002", "en", 2, **changes))
    artifact = build_export(channel, "en", "google-xml")
    _root, items = items_of(artifact)
    assert set(items) == {"BULK000001"}
    assert artifact.meta["excluded"] == [{"sku": "BULK000002", "id": "BULK000002", "reasons": [reason]}]


def test_sale_price_and_preorder(channel):
    bulk_documents(channel, 1)
    sale = {"amount": "9.50", "from": "2026-11-01T00:00:00+02:00", "until": "2026-12-01T00:00:00+02:00"}
    ProductSnapshot.objects.filter(sku="BULK000001").update(document=document(
        "BULK000001", "en", 1, price={"amount": "11.90", "currency": "EUR", "includes_vat": True, "sale": sale},
        availability="preorder", available_from="2027-01-15",
    ))
    _root, items = items_of(build_export(channel, "en", "google-xml"))
    item = items["BULK000001"]
    assert item["price"] == ["11.90 EUR"] and item["sale_price"] == ["9.50 EUR"]
    assert item["sale_price_effective_date"] == ["2026-11-01T00:00+02:00/2026-12-01T00:00+02:00"]
    assert item["availability"] == ["preorder"] and item["availability_date"] == ["2027-01-15T00:00:00Z"]


def test_backorder_without_date_is_not_promised(channel):
    bulk_documents(channel, 1)
    ProductSnapshot.objects.filter(sku="BULK000001").update(
        document=document("BULK000001", "en", 1, availability="backorder"),
    )
    artifact = build_export(channel, "en", "google-xml")
    _root, items = items_of(artifact)
    assert items["BULK000001"]["availability"] == ["out_of_stock"]
    assert "availability_date" not in items["BULK000001"]
    assert artifact.meta["warnings"] == {"backorder_without_date": 1}


def test_sale_period_of_a_dated_price_is_iso_8601_to_the_minute(channel, catalog):
    """A real dated price (its start carries microseconds) gives Google's
    "start/end" in ISO 8601 with the offset, to the minute."""
    start = timezone.now() - timedelta(days=1)
    end = (timezone.localtime() + timedelta(days=20)).replace(hour=23, minute=59, second=30)
    assert start.microsecond or start.second  # the stored value is finer than minutes
    Price.objects.create(price_list=channel.price_list, product=catalog["drill"], amount=Decimal("99.00"),
                         valid_from=start, valid_until=end)
    publish(catalog["drill"], channel)
    stamp_pending()
    for fmt in ("google-xml", "meta-csv"):
        artifact = build_export(channel, "en", fmt)
        if fmt == "google-xml":
            drill = items_of(artifact)[1]["DRILL-1"]
            assert drill["sale_price"] == ["99.00 EUR"]
            period = drill["sale_price_effective_date"][0]
        else:
            rows = csv.DictReader(io.StringIO(read_bytes(artifact).decode()))
            period = next(row for row in rows if row["id"] == "DRILL-1")["sale_price_effective_date"]
        moment = r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d"
        assert re.fullmatch(f"{moment}/{moment}", period), period
        begins, ends = (datetime.fromisoformat(part) for part in period.split("/"))
        assert begins == start.replace(second=0, microsecond=0)
        assert ends == end.replace(second=0, microsecond=0)
        # written in the site's time zone, as the editor entered it
        assert begins.utcoffset() == timezone.localtime(start).utcoffset()


def test_only_ten_additional_images_are_sent(channel):
    bulk_documents(channel, 1)
    images = [{"url": f"http://127.0.0.1:8000/media/images/{n}.jpg", "alt": "", "width": 800, "height": 600,
               "role": "gallery", "renditions": []} for n in range(13)]
    ProductSnapshot.objects.filter(sku="BULK000001").update(document=document("BULK000001", "en", 1, images=images))
    artifact = build_export(channel, "en", "google-xml")
    item = items_of(artifact)[1]["BULK000001"]
    assert item["image_link"] == [images[0]["url"]]
    assert item["additional_image_link"] == [image["url"] for image in images[1:11]]
    assert artifact.meta["warnings"] == {"images_dropped": 1}


def test_ids_and_group_ids_longer_than_50_are_left_out_with_their_reason(channel):
    long_sku = "L" * 51
    long_parent = "P" * 51
    price = {"amount": "9.90", "currency": "EUR", "includes_vat": True}

    def variant(sku, colour):
        return {"sku": sku, "axes": {"color": colour}, "availability": "in_stock", "price": price}

    bulk_documents(channel, 1)
    ProductSnapshot.objects.bulk_create([
        ProductSnapshot(channel=channel, sku=sku, locale="en", content_hash=sku, seq=seq, pending=False,
                        updated_at=timezone.now(), document=document(sku, "en", seq, **changes))
        for seq, sku, changes in (
            (2, long_sku, {}),
            (3, "G" * 50, {"variants": [variant("G-RED", "Red")]}),
            (4, long_parent, {"variants": [variant("P-RED", "Red"), variant("P-BLUE", "Blue")]}),
        )
    ])
    artifact = build_export(channel, "en", "google-xml")
    items = items_of(artifact)[1]
    # exactly 50 is still accepted, as id and as group id
    assert set(items) == {"BULK000001", "G-RED"} and items["G-RED"]["item_group_id"] == ["G" * 50]
    assert artifact.meta["excluded"] == [
        {"sku": long_sku, "id": long_sku, "reasons": ["id_too_long"]},
        {"sku": long_parent, "id": "P-RED", "reasons": ["group_id_too_long"]},
        {"sku": long_parent, "id": "P-BLUE", "reasons": ["group_id_too_long"]},
    ]


@pytest.mark.parametrize(("gtin", "mpn", "brand"), [
    ("4006381333931", None, None),
    ("4006381333931", "MPN-1", "Nordtool"),
    (None, "MPN-1", "Nordtool"),
    (None, "MPN-1", None),
    (None, None, "Nordtool"),
    (None, None, None),
])
def test_identifier_rule_for_every_combination(channel, gtin, mpn, brand):
    bulk_documents(channel, 1)
    ProductSnapshot.objects.filter(sku="BULK000001").update(
        document=document("BULK000001", "en", 1, gtin=gtin, mpn=mpn, brand=brand),
    )
    for fmt in ("google-xml", "google-tsv"):
        artifact = build_export(channel, "en", fmt)
        if fmt == "google-xml":
            fields = items_of(artifact)[1]["BULK000001"]
        else:
            row = next(csv.DictReader(io.StringIO(read_bytes(artifact).decode()), delimiter="\t"))
            fields = {name: [value] for name, value in row.items() if value}
        check_identifiers(fields, gtin, mpn, brand)

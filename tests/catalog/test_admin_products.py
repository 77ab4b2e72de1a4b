"""The product editor: adding a product in Finnish and Russian through the
admin's own forms, GTIN and per-language slug validation, rich text
sanitising, family attributes, image and document uploads."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Attribute, AttributeValue, ImageFile, Product, ProductImage, Variant
from tests.factories import make_attribute, make_brand, make_category, make_family, make_product

from .conftest import bomb_png, errors_of, form_data, png_bytes

ADD = reverse("admin:catalog_product_add")


def change_url(product, language="en"):
    return reverse("admin:catalog_product_change", args=[product.pk]) + f"?language={language}"


def _post(client, url, **changes):
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


@pytest.mark.django_db
def test_add_a_product_in_finnish_then_russian_through_the_admin(admin_client):
    response = _post(
        admin_client, ADD + "?language=fi",
        sku="PORA-1", gtin="4006381333931", name="Akkuporakone Ärjy", slug="akkuporakone-arjy",
        short_description="<p>Tehokas</p>",
    )
    assert response.status_code == 302, errors_of(response)
    product = Product.objects.get(sku="PORA-1")
    assert set(product.get_available_languages()) == {"fi"}

    response = _post(admin_client, change_url(product, "ru"), name="Дрель Жук", slug="дрель-жук")
    assert response.status_code == 302, errors_of(response)

    product = Product.objects.get(sku="PORA-1")
    assert set(product.get_available_languages()) == {"fi", "ru"}
    assert product.safe_translation_getter("name", language_code="fi") == "Akkuporakone Ärjy"
    assert product.safe_translation_getter("name", language_code="ru") == "Дрель Жук"
    assert product.safe_translation_getter("slug", language_code="ru") == "дрель-жук"
    assert "дрель жук" in product.search_text and "akkuporakone ärjy" in product.search_text
    # Both saves went through Product.save: the version counts them.
    assert product.version == 2


@pytest.mark.django_db
def test_gtin_checksum_in_the_model_and_in_the_admin_form(admin_client):
    product = make_product(sku="G-1")
    product.gtin = "4006381333931"
    product.full_clean()
    product.gtin = "4006381333932"
    with pytest.raises(ValidationError) as caught:
        product.full_clean()
    assert "check digit" in str(caught.value.message_dict["gtin"])

    response = _post(admin_client, change_url(make_product(sku="G-2")), gtin="4006381333932")
    assert response.status_code == 200
    assert any("check digit" in message for message in errors_of(response))
    response = _post(admin_client, change_url(Product.objects.get(sku="G-2")), gtin="40063813")
    assert any("check digit" in m or "digits" in m for m in errors_of(response))
    response = _post(admin_client, change_url(Product.objects.get(sku="G-2")), gtin="96385074")
    assert response.status_code == 302, errors_of(response)
    assert Product.objects.get(sku="G-2").gtin == "96385074"


@pytest.mark.django_db
def test_slugs_are_unique_per_language_only(admin_client):
    first = make_product(sku="S-1", names={"en": "Hammer"})
    first.set_current_language("en")
    slug = first.slug
    second = make_product(sku="S-2", names={"en": "Saw"})

    # The same slug in another language is fine.
    response = _post(admin_client, change_url(second, "fi"), name="Saha", slug=slug)
    assert response.status_code == 302, errors_of(response)
    # The same slug twice in one language is refused with a form error.
    response = _post(admin_client, change_url(second, "en"), slug=slug)
    assert response.status_code == 200
    assert any("slug" in message.lower() and "already exists" in message.lower()
               for message in errors_of(response)), errors_of(response)
    second.refresh_from_db()
    assert second.safe_translation_getter("slug", language_code="en") != slug


@pytest.mark.django_db
def test_rich_text_is_sanitised_when_saved_in_the_admin(admin_client):
    product = make_product(sku="R-1")
    dirty = ('<p onclick="steal()">Strong <strong>motor</strong></p><script>alert(1)</script>'
             '<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">x</a>')
    response = _post(admin_client, change_url(product, "hu"), name="Fúrógép", slug="furogep-r1",
                     description=dirty, short_description="<b onmouseover='x()'>Erős</b>")
    assert response.status_code == 302, errors_of(response)
    product = Product.objects.get(pk=product.pk)
    product.set_current_language("hu")
    for text in (product.description, product.short_description):
        lowered = text.lower()
        assert "<script" not in lowered and "alert(1)" not in lowered
        assert "onclick" not in lowered and "onerror" not in lowered and "onmouseover" not in lowered
        assert "javascript:" not in lowered
    assert "<strong>motor</strong>" in product.description and "Erős" in product.short_description


@pytest.mark.django_db
def test_family_attributes_are_offered_marked_and_required(admin_client):
    weight = make_attribute(code="weight", type=Attribute.Type.NUMBER, unit="kg", labels={"en": "Weight"})
    colour = make_attribute(code="colour_name", localizable=True, labels={"en": "Colour name"})
    other = make_attribute(code="voltage", type=Attribute.Type.NUMBER, labels={"en": "Voltage"})
    family = make_family(attributes=[weight, colour], required=[weight])
    product = make_product(sku="F-1", family=family)

    page = admin_client.get(change_url(product))
    html = page.content.decode()
    # The family's attributes are offered (the required one marked), others are not.
    choices = dict(page.context["inline_admin_formsets"][4].formset.form.base_fields["attribute"].choices)
    assert any("Weight" in label and label.endswith("*") for label in choices.values())
    assert not any("Voltage" in label for label in choices.values())
    assert "Weight" in html and "Colour name" in html
    # Each attribute option tells the page which value column its type uses.
    assert f'value="{weight.pk}" data-value-field="value_number" data-localizable="0"' in html
    assert f'value="{colour.pk}" data-value-field="value_text" data-localizable="1"' in html
    assert "catalog/admin/attribute_values.js" in html
    # Empty rows are offered for both missing values (weight; colour in this tab's language).
    initial = page.context["inline_admin_formsets"][4].formset.initial_extra
    assert {(row["attribute"], row["language_code"]) for row in initial} == {(weight.pk, ""), (colour.pk, "en")}

    # Saving without the required weight is refused with a clear message.
    response = _post(admin_client, change_url(product), mpn="MPN-1")
    assert response.status_code == 200
    assert any("requires a value for: Weight" in message for message in errors_of(response))

    # An attribute outside the family is refused.
    data = form_data(admin_client.get(change_url(product)))
    prefix = page.context["inline_admin_formsets"][4].formset.prefix
    data[f"{prefix}-0-attribute"] = str(other.pk)
    data[f"{prefix}-0-value_number"] = "230"
    response = admin_client.post(change_url(product), data)
    assert response.status_code == 200
    assert any("not part of the product's family" in m or "valid choice" in m for m in errors_of(response))

    # A text in a number attribute is refused; a number is kept.
    data = form_data(admin_client.get(change_url(product)))
    data[f"{prefix}-0-value_text"] = "heavy"
    response = admin_client.post(change_url(product), data)
    assert any("keeps its value in" in m for m in errors_of(response)), errors_of(response)
    data[f"{prefix}-0-value_text"] = ""
    data[f"{prefix}-0-value_number"] = "1.8"
    response = admin_client.post(change_url(product), data)
    assert response.status_code == 302, errors_of(response)
    assert str(AttributeValue.objects.get(product=product, attribute=weight).value_number).startswith("1.8")


@pytest.mark.django_db
def test_select_values_must_use_options_of_their_attribute(admin_client):
    from tests.factories import make_option

    material = make_attribute(code="material", type=Attribute.Type.SELECT, labels={"en": "Material"})
    steel = make_option(material, "steel", {"en": "Steel"})
    finish = make_attribute(code="finish", type=Attribute.Type.SELECT, labels={"en": "Finish"})
    matte = make_option(finish, "matte", {"en": "Matte"})
    family = make_family(attributes=[material, finish])
    product = make_product(sku="SEL-1", family=family)
    page = admin_client.get(change_url(product))
    prefix = page.context["inline_admin_formsets"][4].formset.prefix
    data = form_data(page)
    data[f"{prefix}-0-attribute"] = str(material.pk)
    data[f"{prefix}-0-option"] = str(matte.pk)
    response = admin_client.post(change_url(product), data)
    assert any("belongs to another attribute" in m for m in errors_of(response)), errors_of(response)
    data[f"{prefix}-0-option"] = str(steel.pk)
    response = admin_client.post(change_url(product), data)
    assert response.status_code == 302, errors_of(response)
    assert AttributeValue.objects.get(product=product, attribute=material).option == steel


def _image_inline_prefix(page):
    return next(
        inline.formset.prefix for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ProductImage
    )


def _with_new_image(client, product, upload, alt="", language="en"):
    url = change_url(product, language)
    page = client.get(url)
    prefix = _image_inline_prefix(page)
    data = form_data(page)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-upload"] = upload
    data[f"{prefix}-{index}-role"] = "main"
    data[f"{prefix}-{index}-position"] = "0"
    data[f"{prefix}-{index}-alt"] = alt
    return client.post(url, data)


@pytest.mark.django_db
def test_image_upload_in_the_admin_is_validated_and_deduplicated(admin_client, settings):
    product = make_product(sku="IMG-1")
    response = _with_new_image(admin_client, product, SimpleUploadedFile("notes.png", b"just some text"))
    assert response.status_code == 200
    assert any("not an image" in m for m in errors_of(response))

    settings.PIM_IMAGE_MAX_PIXELS = 10**12
    response = _with_new_image(admin_client, product, SimpleUploadedFile("bomb.png", bomb_png()))
    assert any("decompression bomb" in m for m in errors_of(response))

    settings.PIM_IMAGE_MAX_BYTES = 50
    response = _with_new_image(admin_client, product, SimpleUploadedFile("big.png", png_bytes(64, 64)))
    assert any("limit" in m for m in errors_of(response))
    settings.PIM_IMAGE_MAX_BYTES = 10 * 1024 * 1024
    assert not ProductImage.objects.exists() and not ImageFile.objects.exists()

    data = png_bytes(64, 48, colour=(1, 200, 3))
    upload = SimpleUploadedFile("drill.png", data)
    response = _with_new_image(admin_client, product, upload, alt="Porakone", language="fi")
    assert response.status_code == 302, errors_of(response)
    other = make_product(sku="IMG-2")
    response = _with_new_image(admin_client, other, SimpleUploadedFile("same.png", data))
    assert response.status_code == 302, errors_of(response)
    assert ImageFile.objects.count() == 1 and ProductImage.objects.count() == 2
    image = ProductImage.objects.get(product=product)
    assert image.safe_translation_getter("alt", language_code="fi") == "Porakone"
    # The upload made the renditions (never wider than the original) and the
    # change form shows the smallest as the thumbnail.
    sha = image.image_file.sha256
    assert sorted((r.width, r.format) for r in image.image_file.renditions.all()) == [(64, "jpeg"), (64, "webp")]
    html = admin_client.get(change_url(product)).content.decode()
    assert f"/media/renditions/{sha[:2]}/{sha}-64.webp" in html and "64×48" in html


@pytest.mark.django_db
def test_a_page_refused_by_another_inline_stores_no_image_file(admin_client, settings):
    product = make_product(sku="IMG-3")
    url = change_url(product)
    page = admin_client.get(url)
    prefix = _image_inline_prefix(page)
    data = form_data(page)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-upload": SimpleUploadedFile("ok.png", png_bytes(50, 40)),
                 f"{prefix}-0-role": "main", f"{prefix}-0-position": "0"})
    # A second inline with a bad row: a variant without a SKU.
    variants = next(i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is Variant)
    data.update({f"{variants}-TOTAL_FORMS": "1", f"{variants}-0-sku": "", f"{variants}-0-position": "0"})

    response = admin_client.post(url, data)
    assert response.status_code == 200 and errors_of(response)
    assert not ImageFile.objects.exists() and not ProductImage.objects.exists()
    media = settings.MEDIA_ROOT
    stored = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
    assert stored == []

    # The same page with the variant fixed stores the file once, with the row.
    data[f"{prefix}-0-upload"] = SimpleUploadedFile("ok.png", png_bytes(50, 40))
    data[f"{variants}-0-sku"] = "IMG-3-RED"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    image_file = ProductImage.objects.get(product=product).image_file
    assert (media / image_file.file.name).is_file()


@pytest.mark.django_db
def test_documents_must_be_pdf_and_not_too_large(admin_client, settings):
    from catalog.models import ProductDocument

    product = make_product(sku="DOC-1")
    url = change_url(product)

    def post(upload):
        page = admin_client.get(url)
        prefix = next(i.formset.prefix for i in page.context["inline_admin_formsets"]
                      if i.formset.model is ProductDocument)
        data = form_data(page)
        data[f"{prefix}-TOTAL_FORMS"] = "1"
        data.update({f"{prefix}-0-language_code": "fi", f"{prefix}-0-kind": "manual",
                     f"{prefix}-0-title": "Käyttöohje", f"{prefix}-0-file": upload, f"{prefix}-0-position": "0"})
        return admin_client.post(url, data)

    response = post(SimpleUploadedFile("manual.pdf", b"MZ\x90\x00 an executable"))
    assert any("Only PDF" in m for m in errors_of(response))
    settings.PIM_DOCUMENT_MAX_BYTES = 10
    response = post(SimpleUploadedFile("manual.pdf", b"%PDF-1.7\n" + b"x" * 100))
    assert any("limit" in m for m in errors_of(response))
    settings.PIM_DOCUMENT_MAX_BYTES = 1000
    response = post(SimpleUploadedFile("manual.pdf", b"%PDF-1.7\n%%EOF\n"))
    assert response.status_code == 302, errors_of(response)
    assert ProductDocument.objects.get(product=product).language_code == "fi"


def _list(client, **params):
    response = client.get(reverse("admin:catalog_product_changelist"), params)
    assert response.status_code == 200
    return response


def _skus(response):
    return sorted(product.sku for product in response.context["cl"].result_list)


def _row(response, sku):
    html = response.content.decode()
    row = html[html.index(f">{sku}<"):]
    return row[: row.index("</tr>")]


@pytest.mark.django_db
def test_translation_indicator_and_filter_need_every_required_text(admin_client):
    """A language counts as translated when it has a name, a short and a long
    description (what channel completeness requires); a name alone or blank
    markup is still missing."""
    product = make_product(sku="TR-1", names={"en": "Drill", "fi": "Pora", "ru": "Дрель", "bg": "Бормашина"})
    for language, changes in (("fi", {"short_description": "", "description": ""}),
                              ("bg", {"description": "<p> &nbsp;</p>"})):
        product.set_current_language(language)
        for name, value in changes.items():
            setattr(product, name, value)
        product.save()
    make_product(sku="TR-2", names={"en": "Saw", "fi": "Saha", "hu": "Fűrész", "ru": "Пила", "bg": "Трион"})

    row = _row(_list(admin_client), "TR-1")
    for code, state in (("en", "ok"), ("fi", "missing"), ("hu", "missing"), ("ru", "ok"), ("bg", "missing")):
        assert f'class="lang-{state}" style=' in row and f">{code}&nbsp;{'✓' if state == 'ok' else '✗'}<" in row
    assert 'title="translation missing: short description, description">fi' in row
    assert 'title="translation missing: description">bg' in row
    assert 'title="translation missing: name, short description, description">hu' in row
    assert "✗" not in _row(_list(admin_client), "TR-2")

    assert _skus(_list(admin_client, missing_language="fi")) == ["TR-1"]
    assert _skus(_list(admin_client, missing_language="bg")) == ["TR-1"]
    assert _skus(_list(admin_client, missing_language="hu")) == ["TR-1"]
    assert _skus(_list(admin_client, missing_language="ru")) == []
    assert _skus(_list(admin_client, missing_language="en")) == []


@pytest.mark.django_db
def test_list_filters_by_category_subtree_brand_and_family(admin_client):
    tools = make_category("tools", names={"en": "Tools"})
    drills = make_category("drills", parent=tools, names={"en": "Drills"})
    cordless = make_category("cordless", parent=drills, names={"en": "Cordless"})
    garden = make_category("garden", names={"en": "Garden"})
    nordtool, kertesz = make_brand(name="Nordtool"), make_brand(name="Kertész & Fia")
    power, watering = make_family(code="power"), make_family(code="watering")
    make_product(sku="F-DRILL", brand=nordtool, family=power, categories=[cordless])
    make_product(sku="F-SAW", brand=nordtool, family=power, categories=[tools])
    make_product(sku="F-HOSE", brand=kertesz, family=watering, categories=[garden])
    make_product(sku="F-BOTH", brand=kertesz, family=power, categories=[drills, cordless, garden])
    make_product(sku="F-NONE")

    # A category brings its whole subtree, however deep, and each product once.
    assert _skus(_list(admin_client, category=tools.pk)) == ["F-BOTH", "F-DRILL", "F-SAW"]
    assert _skus(_list(admin_client, category=drills.pk)) == ["F-BOTH", "F-DRILL"]
    assert _skus(_list(admin_client, category=cordless.pk)) == ["F-BOTH", "F-DRILL"]
    assert _skus(_list(admin_client, category=garden.pk)) == ["F-BOTH", "F-HOSE"]
    assert _skus(_list(admin_client, category=99999)) == []
    assert _skus(_list(admin_client, brand__id__exact=nordtool.pk)) == ["F-DRILL", "F-SAW"]
    assert _skus(_list(admin_client, brand__id__exact=kertesz.pk)) == ["F-BOTH", "F-HOSE"]
    assert _skus(_list(admin_client, family__id__exact=power.pk)) == ["F-BOTH", "F-DRILL", "F-SAW"]
    assert _skus(_list(admin_client, family__id__exact=watering.pk)) == ["F-HOSE"]
    # Filters combine.
    assert _skus(_list(admin_client, category=garden.pk, family__id__exact=power.pk)) == ["F-BOTH"]
    # The filter offers the tree indented by depth.
    html = _list(admin_client).content.decode()
    assert "\u2003\u2003Cordless" in html


@pytest.mark.django_db
def test_saving_over_a_newer_version_is_refused(admin_client):
    product = make_product(sku="V-1")
    url = change_url(product)
    data = form_data(admin_client.get(url))
    assert int(data["loaded_version"]) == product.version
    other = Product.objects.get(pk=product.pk)
    other.mpn = "SOMEONE-ELSE"
    other.save()
    data["mpn"] = "MINE"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert any("saved by someone else" in m for m in errors_of(response))
    assert Product.objects.get(pk=product.pk).mpn == "SOMEONE-ELSE"
    data = form_data(admin_client.get(url))
    data["mpn"] = "MINE"
    assert admin_client.post(url, data).status_code == 302
    assert Product.objects.get(pk=product.pk).mpn == "MINE"


@pytest.mark.django_db
def test_stock_rows_accept_only_variants_of_the_product(admin_client):
    from catalog.models import Stock
    from tests.factories import make_store, make_variant

    store = make_store()
    product = make_product(sku="VAR-1")
    own = make_variant(product, sku="VAR-1-S")
    foreign = make_variant(make_product(sku="VAR-2"), sku="VAR-2-S")
    url = change_url(product)
    page = admin_client.get(url)
    prefix = next(i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is Stock)
    data = form_data(page)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-store": str(store.pk),
                 f"{prefix}-0-variant": str(foreign.pk), f"{prefix}-0-quantity": "4"})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and any("valid choice" in m for m in errors_of(response))
    data[f"{prefix}-0-variant"] = str(own.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert Stock.objects.get(product=product).variant == own


@pytest.mark.django_db
def test_moving_a_product_to_another_family(admin_client):
    from tests.factories import set_value

    length = make_attribute(code="length", type=Attribute.Type.NUMBER, labels={"en": "Length"})
    volume = make_attribute(code="volume", type=Attribute.Type.NUMBER, labels={"en": "Volume"})
    saws = make_family(attributes=[length], required=[length])
    pumps = make_family(attributes=[volume], required=[volume])
    product = make_product(sku="FAM-1", family=saws)
    set_value(product, length, 30)

    # The move itself saves: the new family's attributes are offered afterwards.
    response = _post(admin_client, change_url(product), family=str(pumps.pk))
    assert response.status_code == 302, errors_of(response)
    assert Product.objects.get(pk=product.pk).family == pumps
    # From then on its requirements apply; the old value does not block.
    response = _post(admin_client, change_url(product), mpn="P-1")
    assert any("requires a value for: Volume" in m for m in errors_of(response)), errors_of(response)
    assert not any("not part of" in m for m in errors_of(response))

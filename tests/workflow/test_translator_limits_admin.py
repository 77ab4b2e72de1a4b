"""Translator limits on every translated model's admin, not only products:
through each admin's own change view a Hungarian translator changes the
Hungarian texts and nothing else (form error, nothing saved); a Translator
without a language profile edits texts only."""

import pytest
from django.urls import reverse

from catalog.models import Attribute, AttributeOption, Brand, Category, Family, PriceList, Product, Store
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_product, make_store,
)

from .conftest import change_url, errors_of, form_data, post_form

pytestmark = pytest.mark.django_db

FI_REFUSED = "may not edit texts in this language (fi)"
TEXTS_ONLY = "may edit translated texts only"


def admin_url(obj, language):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]) + f"?language={language}"


def refused(response, text):
    assert response.status_code == 200, "the form should come back with an error"
    messages = [str(m) for m in errors_of(response)]
    assert any(text in m for m in messages), messages


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def text(obj, field, language):
    return fresh(obj).safe_translation_getter(field, language_code=language)


def test_category_finnish_name_and_code_are_refused_hungarian_name_saved(client, hu_translator):
    category = make_category("tools", names={"en": "Tools", "fi": "Työkalut", "hu": "Szerszámok"})
    client.force_login(hu_translator)

    refused(post_form(client, admin_url(category, "fi"), name="Vasarat"), FI_REFUSED)
    refused(post_form(client, admin_url(category, "hu"), code="tools-2"), TEXTS_ONLY)
    refused(post_form(client, admin_url(category, "hu"), name="Szerszámok Ő", position="9"), TEXTS_ONLY)
    assert text(category, "name", "fi") == "Työkalut"
    assert text(category, "name", "hu") == "Szerszámok"  # nothing of a refused form is saved
    assert (fresh(category).code, fresh(category).position) == ("tools", category.position)

    response = post_form(client, admin_url(category, "hu"), name="Szerszámok Ő")
    assert response.status_code == 302, errors_of(response)
    assert text(category, "name", "hu") == "Szerszámok Ő"
    assert text(category, "name", "fi") == "Työkalut"


def test_store_finnish_name_and_city_are_refused(client, hu_translator):
    store = make_store("hel-1", names={"en": "Kamppi store", "fi": "Kampin myymälä", "hu": "Kamppi bolt"})
    client.force_login(hu_translator)

    refused(post_form(client, admin_url(store, "fi"), name="Kampin kauppa"), FI_REFUSED)
    refused(post_form(client, admin_url(store, "hu"), city="Espoo"), TEXTS_ONLY)
    assert text(store, "name", "fi") == "Kampin myymälä"
    assert fresh(store).city == "Helsinki"

    response = post_form(client, admin_url(store, "hu"), name="Kamppi üzlet")
    assert response.status_code == 302, errors_of(response)
    assert text(store, "name", "hu") == "Kamppi üzlet"


def _option_row(data, option):
    """The form-data prefix of an option's inline row."""
    key = next(k for k, v in data.items()
               if k.startswith("options-") and k.endswith("-id") and str(v) == str(option.pk))
    return key[:-len("id")]


def test_attribute_label_unit_and_option_rows_follow_the_languages(client, hu_translator):
    colour = make_attribute("colour", Attribute.Type.SELECT, unit="", labels={"en": "Colour", "fi": "Väri",
                                                                                "hu": "Szín"})
    power = make_attribute("power", Attribute.Type.NUMBER, unit="W", labels={"en": "Power", "fi": "Teho",
                                                                              "hu": "Teljesítmény"})
    red = make_option(colour, "red", {"en": "Red", "fi": "Punainen", "hu": "Piros"})
    client.force_login(hu_translator)

    refused(post_form(client, admin_url(power, "fi"), label="Voima"), FI_REFUSED)
    refused(post_form(client, admin_url(power, "hu"), unit="kW"), TEXTS_ONLY)
    assert (text(power, "label", "fi"), fresh(power).unit) == ("Teho", "W")

    # Option rows: the label in the open tab's language, nothing else.
    url = admin_url(colour, "fi")
    data = form_data(client.get(url))
    data[_option_row(data, red) + "label"] = "Punainen 2"
    refused(client.post(url, data), FI_REFUSED)
    url = admin_url(colour, "hu")
    data = form_data(client.get(url))
    data[_option_row(data, red) + "code"] = "crimson"
    refused(client.post(url, data), TEXTS_ONLY)
    assert list(AttributeOption.objects.filter(attribute=colour).values_list("code", flat=True)) == ["red"]
    assert text(red, "label", "fi") == "Punainen"

    data = form_data(client.get(url))
    data[_option_row(data, red) + "label"] = "Piros Ő"
    data["label"] = "Szín Ű"
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert (text(red, "label", "hu"), text(colour, "label", "hu")) == ("Piros Ő", "Szín Ű")
    assert text(red, "label", "fi") == "Punainen"


def test_price_list_brand_and_family_shared_fields_are_refused(client, hu_translator):
    price_list = make_price_list("retail")
    brand = make_brand("nordtool")
    family = make_family("tools")
    client.force_login(hu_translator)

    refused(post_form(client, admin_url(price_list, "hu"), currency="HUF"), TEXTS_ONLY)
    refused(post_form(client, admin_url(brand, "hu"), name="Other"), TEXTS_ONLY)
    refused(post_form(client, admin_url(family, "hu"), code="tools-2"), TEXTS_ONLY)
    assert PriceList.objects.get(pk=price_list.pk).currency == "EUR"
    assert Brand.objects.get(pk=brand.pk).name == "Nordtool"
    assert Family.objects.filter(code="tools").exists()

    response = post_form(client, admin_url(price_list, "hu"), name="Kiskereskedelmi")
    assert response.status_code == 302, errors_of(response)
    assert text(price_list, "name", "hu") == "Kiskereskedelmi"


def test_a_translation_outside_the_translators_languages_cannot_be_deleted(client, hu_translator):
    from django.contrib.auth.models import Permission

    category = make_category("saws", names={"en": "Saws", "fi": "Sahat", "hu": "Fűrészek"})
    hu_translator.user_permissions.add(Permission.objects.get(codename="delete_category"))
    client.force_login(hu_translator)
    url = reverse("admin:catalog_category_delete_translation", args=[category.pk, "fi"])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Category.objects.get(pk=category.pk).has_translation("fi")


def test_a_translator_without_a_language_profile_edits_texts_only(client, translator):
    product = make_product(sku="TX-1", names={"en": "Drill", "fi": "Porakone"}, mpn="M-1")
    store = make_store("hel-2")
    client.force_login(translator)

    refused(post_form(client, change_url(product, "fi"), mpn="M-2"), TEXTS_ONLY)
    refused(post_form(client, change_url(product, "fi"), status="discontinued"), TEXTS_ONLY)
    refused(post_form(client, admin_url(store, "fi"), city="Tampere"), TEXTS_ONLY)
    product = Product.objects.get(pk=product.pk)
    assert (product.mpn, product.status) == ("M-1", "active")
    assert Store.objects.get(pk=store.pk).city == "Helsinki"

    # Texts in any language are theirs to change.
    response = post_form(client, change_url(product, "fi"), name="Akkuporakone")
    assert response.status_code == 302, errors_of(response)
    assert text(product, "name", "fi") == "Akkuporakone"


def test_a_translator_who_is_also_an_editor_is_not_limited(client, django_user_model):
    from django.contrib.auth.models import Group

    from pim import roles

    from .conftest import _user

    user = _user(django_user_model, "both-1", roles.TRANSLATOR)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    product = make_product(sku="TX-2", names={"en": "Drill"}, mpn="M-1")
    client.force_login(user)
    response = post_form(client, change_url(product), mpn="M-2")
    assert response.status_code == 302, errors_of(response)
    assert Product.objects.get(pk=product.pk).mpn == "M-2"


def test_text_overrides_on_the_product_follow_the_translators_languages(client, hu_translator):
    from publishing.models import TextOverride
    from tests.publishing.helpers import make_channel

    channel = make_channel("web", languages=("fi", "hu"))
    product = make_product(sku="TO-1", names={"en": "Drill", "fi": "Porakone", "hu": "Fúró"})
    fi = TextOverride.objects.create(product=product, channel=channel, language_code="fi", field="name", value="Pora")
    hu = TextOverride.objects.create(product=product, channel=channel, language_code="hu", field="name", value="Fúró")
    client.force_login(hu_translator)
    url = change_url(product, "hu")

    def post_override(row, **changes):
        data = form_data(client.get(url))
        key = next(k for k, v in data.items() if k.startswith("text_overrides-") and k.endswith("-id")
                   and str(v) == str(row.pk))
        data.update({key[:-len("id")] + name: value for name, value in changes.items()})
        return client.post(url, data)

    refused(post_override(fi, value="Porakone!"), FI_REFUSED)
    refused(post_override(fi, language_code="hu", field="description"), FI_REFUSED)  # a Finnish row moved away
    assert {(o.language_code, o.value) for o in TextOverride.objects.all()} == {("fi", "Pora"), ("hu", "Fúró")}
    response = post_override(hu, value="Akkus fúró")
    assert response.status_code == 302, errors_of(response)
    assert TextOverride.objects.get(pk=hu.pk).value == "Akkus fúró"

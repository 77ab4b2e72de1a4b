"""History of the reference records through their admins: every change
(texts in any language, shared fields, option and family rows) is a
version with who and when, a save without a change records none, the
History page shows the diff, and revert restores the record, all or nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import history, reference_history
from catalog.models import (
    Attribute, AttributeOption, AttributeValue, Brand, Category, Family, FamilyAttribute, PriceList, ReferenceHistory, Store,
)
from tests.factories import (
    make_attribute, make_brand, make_category, make_family, make_option, make_price_list, make_product, make_store,
    set_value,
)

from .conftest import errors_of, form_data, post_form

pytestmark = pytest.mark.django_db


def admin_url(obj, view="change", language="en"):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])
    return url + f"?language={language}" if view == "change" else url


def revert_url(entry):
    meta = entry.content_type.model_class()._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_revert", args=[entry.object_id, entry.pk])


def saved(client, obj, language="en", **changes):
    response = post_form(client, admin_url(obj, language=language), **changes)
    assert response.status_code == 302, errors_of(response)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def oldest(obj):
    return reference_history.versions(obj).order_by("created_at", "pk").first()


def test_category_changes_are_versions_and_revert_restores_texts_and_fields(admin_client):
    parent = make_category("tools", names={"en": "Tools"})
    category = make_category("drills", parent=parent, names={"en": "Drills", "fi": "Porakoneet", "hu": "Fúrók"})
    saved(admin_client, category)  # the starting point
    saved(admin_client, category)
    saved(admin_client, category, "fi")
    assert reference_history.versions(category).count() == 1  # saving without a change records nothing
    start = oldest(category)

    saved(admin_client, category, "fi", name="Porakoneet Ä", position="7")
    saved(admin_client, category, "hu", name="Fúrók Ő", description="Új")
    entries = list(reference_history.versions(category))
    assert len(entries) == 3 and entries[0].user.username == "editor"
    page = admin_client.get(admin_url(category, "history")).content.decode()
    assert "name[fi]" in page and "Porakoneet Ä" in page and "description[hu]" in page and "position" in page

    response = admin_client.post(revert_url(start), follow=True)
    assert response.status_code == 200
    category = fresh(category)
    assert {lang: category.safe_translation_getter("name", language_code=lang) for lang in ("en", "fi", "hu")} == {
        "en": "Drills", "fi": "Porakoneet", "hu": "Fúrók"}
    assert category.safe_translation_getter("description", language_code="hu") == ""
    assert (category.position, category.parent_id) == (0, parent.pk)
    latest = reference_history.versions(category).first()
    assert latest.digest == start.digest and "Reverted" in latest.comment


def test_attribute_revert_restores_option_rows_and_refuses_to_drop_an_option_in_use(admin_client):
    colour = make_attribute("colour", Attribute.Type.SELECT, labels={"en": "Colour", "fi": "Väri"})
    red = make_option(colour, "red", {"en": "Red", "fi": "Punainen"})
    saved(admin_client, colour)
    start = oldest(colour)

    url = admin_url(colour)
    data = form_data(admin_client.get(url))
    row = next(k for k, v in data.items() if k.startswith("options-") and k.endswith("-id") and str(v) == str(red.pk))
    data[row[:-2] + "label"] = "Crimson"
    total = int(data["options-TOTAL_FORMS"])
    data["options-TOTAL_FORMS"] = str(total + 1)
    data.update({f"options-{total}-code": "blue", f"options-{total}-label": "Blue", f"options-{total}-position": "1"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert reference_history.versions(colour).count() == 2
    page = admin_client.get(admin_url(colour, "history")).content.decode()
    assert "option:blue" in page and "Crimson" in page

    # A product uses the new option: the old version cannot drop it.
    blue = AttributeOption.objects.get(attribute=colour, code="blue")
    set_value(make_product(names={"en": "Drill"}), colour, blue)
    response = admin_client.post(revert_url(start), follow=True)
    assert any("still used" in str(m) and "blue" in str(m) for m in response.context["messages"])
    assert AttributeOption.objects.get(pk=red.pk).safe_translation_getter("label", language_code="en") == "Crimson"

    AttributeValue.objects.filter(option=blue).delete()
    admin_client.post(revert_url(start))
    assert list(AttributeOption.objects.filter(attribute=colour).values_list("code", flat=True)) == ["red"]
    red = AttributeOption.objects.get(pk=red.pk)
    assert (red.safe_translation_getter("label", language_code="en"),
            red.safe_translation_getter("label", language_code="fi")) == ("Red", "Punainen")


def test_family_revert_restores_its_attributes(admin_client):
    power, weight = make_attribute("power"), make_attribute("weight")
    family = make_family("drills", attributes=[power], required=[power])
    saved(admin_client, family)
    start = oldest(family)
    FamilyAttribute.objects.filter(family=family).delete()
    FamilyAttribute.objects.create(family=family, attribute=weight, position=3)
    saved(admin_client, family, name="Drills 2")

    admin_client.post(revert_url(start))
    assert list(FamilyAttribute.objects.filter(family=family).values_list("attribute__code", "required")) == [
        ("power", True)]
    assert fresh(family).safe_translation_getter("name", language_code="en") == "drills"


@pytest.mark.parametrize(("make", "changes", "read"), [
    (lambda: make_store("hel-1"), {"city": "Espoo", "name": "Espoo store"},
     lambda s: (s.city, s.safe_translation_getter("name", language_code="en"))),
    (lambda: make_price_list("retail"), {"currency": "SEK", "includes_vat": ""}, lambda p: (p.currency, p.includes_vat)),
    (lambda: make_brand("nordtool"), {"name": "Nordtool Oy", "description": "Tools"},
     lambda b: (b.name, b.safe_translation_getter("description", language_code="en"))),
])
def test_store_price_list_and_brand_changes_are_versions_that_revert_undoes(admin_client, make, changes, read):
    obj = make()
    saved(admin_client, obj)
    start, before = oldest(obj), read(fresh(obj))
    data = form_data(admin_client.get(admin_url(obj)))
    data.update(changes)
    if changes.get("includes_vat") == "":
        data.pop("includes_vat")
    assert admin_client.post(admin_url(obj), data).status_code == 302
    assert read(fresh(obj)) != before
    assert reference_history.versions(obj).count() == 2
    admin_client.post(revert_url(start))
    assert read(fresh(obj)) == before


def test_a_version_naming_a_deleted_parent_is_refused(admin_client):
    old_parent = make_category("old-tools", names={"en": "Old tools"})
    category = make_category("saws", parent=old_parent, names={"en": "Saws"})
    saved(admin_client, category)
    start = oldest(category)
    saved(admin_client, category, parent="")
    old_parent.delete()
    count = reference_history.versions(category).count()

    response = admin_client.post(revert_url(start), follow=True)
    assert any("old-tools" in str(m) and "nothing was changed" in str(m) for m in response.context["messages"])
    assert fresh(category).parent_id is None
    assert reference_history.versions(category).count() == count


def test_a_language_limited_translator_sees_the_history_but_may_not_revert(client, hu_translator, admin_client):
    category = make_category("hammers", names={"en": "Hammers", "hu": "Kalapácsok"})
    saved(admin_client, category)
    start = oldest(category)
    saved(admin_client, category, code="hammers-2")
    client.force_login(hu_translator)
    response = client.get(admin_url(category, "history"))
    assert response.status_code == 200 and response.context["may_revert"] is False
    assert client.post(revert_url(start)).status_code == 403
    assert fresh(category).code == "hammers-2"


def test_pruning_covers_reference_history_and_deleting_a_record_drops_its_versions(admin_client):
    store = make_store("tre-1")
    for city in ("Tampere", "Turku", "Oulu"):
        saved(admin_client, store, city=city)
    assert reference_history.versions(store).count() == 3
    ReferenceHistory.objects.update(created_at=timezone.now() - timedelta(days=400))
    assert history.prune(older_than_days=365) == 2
    assert reference_history.versions(store).count() == 1  # the newest always stays

    response = admin_client.post(admin_url(store, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Store.objects.filter(pk=store.pk).exists()
    assert not ReferenceHistory.objects.exists()


def test_every_translated_reference_model_is_tracked():
    assert set(reference_history.TRACKED_MODELS) == {Category, Brand, Attribute, Family, Store, PriceList}

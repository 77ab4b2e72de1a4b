"""Adding a content language is configuration only: no migration, and the
admin, model validation and forms follow settings.LANGUAGES."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from catalog.models import AttributeValue
from tests.factories import make_attribute, make_family, make_product

from .conftest import errors_of, form_data

WITH_GERMAN = [*django_settings.LANGUAGES, ("de", "Deutsch")]


def test_an_extra_language_needs_no_migration(tmp_path):
    """The models are imported under settings with one more language (a fresh
    process: choices written into a field at import time would only show
    there), and makemigrations finds nothing to do."""
    (tmp_path / "with_german.py").write_text(textwrap.dedent("""
        from pim.settings import *  # noqa: F403

        LANGUAGES = [*LANGUAGES, ("de", "Deutsch")]  # noqa: F405
        LANGUAGE_CODES = [code for code, _name in LANGUAGES]
        PARLER_LANGUAGES = {None: tuple({"code": code} for code in LANGUAGE_CODES),
                            "default": PARLER_LANGUAGES["default"]}  # noqa: F405
    """))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "with_german",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(django_settings.BASE_DIR)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "PIM_SECRET_KEY": "language-test-key",
    }
    probe = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(','.join(settings.LANGUAGE_CODES))"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert probe.stdout.strip() == "en,fi,hu,ru,bg,de", probe.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.django_db
def test_model_validation_follows_the_configured_languages():
    product = make_product(sku="LANG-1")
    value = AttributeValue(product=product, attribute=make_attribute(code="care", localizable=True),
                           language_code="de", value_text="Trocken lagern.")
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    assert "language_code" in caught.value.message_dict
    with override_settings(LANGUAGES=WITH_GERMAN):
        value.full_clean()
        value.language_code = "xx"
        with pytest.raises(ValidationError):
            value.full_clean()


@pytest.mark.django_db
def test_the_admin_offers_and_saves_an_added_language(admin_client):
    care = make_attribute(code="care", localizable=True, labels={"en": "Care"})
    product = make_product(sku="LANG-2", names={"en": "Kettle"}, family=make_family(attributes=[care]))
    url = f"/admin/catalog/product/{product.pk}/change/?language=en"

    assert 'value="de"' not in admin_client.get(url).content.decode()
    with override_settings(LANGUAGES=WITH_GERMAN):
        response = admin_client.get(url)
        assert '<option value="de">Deutsch</option>' in response.content.decode()
        data = form_data(response)
        row = next(name[:-len("-attribute")] for name, value in data.items()
                   if name.endswith("-attribute") and str(value) == str(care.pk))
        data.update({f"{row}-language_code": "xx", f"{row}-value_text": "Trocken lagern."})
        refused = admin_client.post(url, data)
        assert refused.status_code == 200
        assert any("xx" in message for message in errors_of(refused))
        assert not AttributeValue.objects.filter(product=product).exists()

        data[f"{row}-language_code"] = "de"
        saved = admin_client.post(url, data)
        assert saved.status_code == 302, errors_of(saved)
    value = AttributeValue.objects.get(product=product)
    assert (value.language_code, value.value_text) == ("de", "Trocken lagern.")

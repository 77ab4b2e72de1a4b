"""Fixtures of the editorial workflow tests: users in the default roles,
a translator limited to Hungarian, and the admin form helpers."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from catalog.models import TranslatorProfile
from pim import roles
from tests.catalog.conftest import _inline_jobs, admin_client, errors_of, form_data  # noqa: F401


def change_url(product, language="en"):
    return reverse("admin:catalog_product_change", args=[product.pk]) + f"?language={language}"


def post_form(client, url, **changes):
    """Open the admin form, change some fields and save it like a browser."""
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def _user(django_user_model, name, group, languages=None):
    roles.ensure_roles()
    user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if languages is not None:
        TranslatorProfile.objects.create(user=user, languages=languages)
    return user


@pytest.fixture
def hu_translator(db, django_user_model):
    return _user(django_user_model, "hu-translator", roles.TRANSLATOR, ["hu"])


@pytest.fixture
def editor(db, django_user_model):
    return _user(django_user_model, "editor-1", roles.EDITOR)


@pytest.fixture
def reviewer(db, django_user_model):
    return _user(django_user_model, "reviewer-1", roles.PUBLISHER)


@pytest.fixture
def translator(db, django_user_model):
    """A Translator without a language profile: every language, texts only."""
    return _user(django_user_model, "translator-1", roles.TRANSLATOR)

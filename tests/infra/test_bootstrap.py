"""Roles and the bootstrap of a fresh database."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from pim import roles
from pim.management.commands import bootstrap as bootstrap_module

ROLE_NAMES = {"Editor", "Translator", "Reviewer/Publisher", "Channel manager", "Print team"}


def _perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_migrate_created_the_roles_with_sensible_permissions():
    assert ROLE_NAMES <= set(Group.objects.values_list("name", flat=True))
    editor = _perms("Editor")
    assert {"catalog.change_product", "catalog.add_price", "publishing.view_job"} <= editor
    assert "publishing.change_channel" not in editor
    translator = _perms("Translator")
    assert "catalog.change_product" in translator
    assert "catalog.add_product" not in translator and "catalog.delete_product" not in translator
    publisher = _perms("Reviewer/Publisher")
    assert {"publishing.add_publication", "publishing.change_publication", "catalog.change_product"} <= publisher
    assert "publishing.view_channeltoken" not in publisher  # tokens are for channel managers
    manager = _perms("Channel manager")
    assert {"publishing.add_channel", "publishing.add_channeltoken", "catalog.change_pricelist"} <= manager
    assert "catalog.delete_product" not in manager
    print_team = _perms("Print team")
    assert {"publishing.view_artifact", "publishing.add_job", "catalog.view_product"} <= print_team
    assert not any(perm.startswith("catalog.change_") for perm in print_team)


@pytest.mark.django_db
def test_ensure_roles_is_idempotent_and_keeps_manual_grants():
    before = {name: _perms(name) for name in ROLE_NAMES}
    extra = Permission.objects.get(content_type__app_label="auth", codename="view_user")
    Group.objects.get(name="Editor").permissions.add(extra)
    roles.ensure_roles()
    roles.ensure_roles()
    assert Group.objects.filter(name__in=ROLE_NAMES).count() == 5
    after = {name: _perms(name) for name in ROLE_NAMES}
    assert after["Editor"] == before["Editor"] | {"auth.view_user"}
    assert all(after[name] == before[name] for name in ROLE_NAMES - {"Editor"})


@pytest.mark.django_db
def test_ensure_roles_restores_a_deleted_group():
    Group.objects.filter(name="Print team").delete()
    roles.ensure_roles()
    assert "publishing.view_artifact" in _perms("Print team")


def _bootstrap(*args):
    out = StringIO()
    call_command("bootstrap", "--no-demo", *args, stdout=out)
    return out.getvalue()


def _printed_password(output):
    match = re.search(r"Password:\s+(\S+)", output)
    assert match, output
    return match.group(1)


@pytest.mark.django_db
def test_bootstrap_creates_an_admin_with_a_random_password_printed_once():
    output = _bootstrap("--base-url", "http://pim.example")
    password = _printed_password(output)
    assert "http://pim.example/admin/" in output
    assert len(password) >= 12
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser and user.is_staff
    for fixed in ("admin", "password", "changeme", "admin123"):
        assert not user.check_password(fixed)
    # A second run creates nobody and prints no password, only how to reset it.
    again = _bootstrap()
    assert "Password:" not in again and password not in again
    assert "changepassword admin" in again
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_bootstrap_password_differs_every_time():
    passwords = set()
    for _run in range(3):
        get_user_model().objects.all().delete()
        passwords.add(_printed_password(_bootstrap()))
    assert len(passwords) == 3


@pytest.mark.django_db
def test_bootstrap_does_not_take_over_a_plain_user_called_admin():
    plain = get_user_model().objects.create_user("admin", password="not-a-superuser-pw")
    output = _bootstrap()
    assert "Username:  admin2" in output
    plain.refresh_from_db()
    assert not plain.is_superuser and plain.check_password("not-a-superuser-pw")


@pytest.mark.django_db
def test_bootstrap_loads_the_demo_catalog_only_into_an_empty_database(monkeypatch):
    calls = []
    monkeypatch.setattr(bootstrap_module, "get_commands", lambda: {"load_demo_catalog": "catalog"})
    monkeypatch.setattr(bootstrap_module, "call_command", lambda name, **kw: calls.append(name))
    out = StringIO()
    call_command("bootstrap", stdout=out)
    assert calls == ["load_demo_catalog"]
    from tests.factories import make_product

    make_product()
    call_command("bootstrap", stdout=StringIO())
    assert calls == ["load_demo_catalog"]


@pytest.mark.django_db
def test_bootstrap_explains_a_missing_demo_command(monkeypatch):
    monkeypatch.setattr(bootstrap_module, "get_commands", lambda: {})
    out = StringIO()
    call_command("bootstrap", stdout=out)
    assert "load_demo_catalog command is not available" in out.getvalue()


@pytest.mark.django_db
def test_post_migrate_restores_roles_and_grants_permissions_created_later():
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.filter(name__in=ROLE_NAMES).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(Group.objects.filter(name__in=ROLE_NAMES).values_list("name", flat=True)) == ROLE_NAMES
    assert "catalog.change_product" in _perms("Editor")
    # Added by a migration after pim's own (Meta.permissions): joins its roles.
    assert "publishing.publish_product" in _perms("Reviewer/Publisher")
    assert "publishing.publish_product" in _perms("Channel manager")

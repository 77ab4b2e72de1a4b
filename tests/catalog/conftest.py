"""Fixtures of the catalog tests: an admin client, image bytes, and a helper
that posts an admin form the way a browser would."""

import io
import os
import struct
import zlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.forms import CheckboxInput, CheckboxSelectMultiple, SelectMultiple
from PIL import Image


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def admin_client(db, client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def png_bytes(width=40, height=30, colour=(200, 30, 30), mode="RGB", fmt="PNG"):
    image = Image.new(mode, (width, height), colour)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def noise_png(width, height):
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def bomb_png(width=100_000, height=100_000):
    """A tiny PNG whose header declares a gigantic image."""
    data = bytearray(png_bytes(8, 8))
    # IHDR starts after the 8-byte signature and the 8-byte chunk head.
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _add_form(data, form):
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            continue
        if isinstance(field.widget, (SelectMultiple, CheckboxSelectMultiple)) or isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = _plain(value)


def form_data(response):
    """The POST data of an admin change or add page as rendered (main form,
    every inline's management form and rows), ready to be changed and sent."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            _add_form(data, form)
    data["_save"] = "Save"
    return data


def errors_of(response):
    """Every error message on an admin form page, flattened."""
    messages = []
    if response.context is None:
        return messages
    adminform = response.context.get("adminform")
    if adminform is not None:
        for errors in adminform.form.errors.values():
            messages += list(errors)
    for inline in response.context.get("inline_admin_formsets") or []:
        messages += list(inline.formset.non_form_errors())
        for form_errors in inline.formset.errors:
            for errors in form_errors.values():
                messages += list(errors)
    return messages

"""create_channel_token prints a working token alone on the last line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from publishing.models import ChannelToken

from .conftest import get_page

pytestmark = pytest.mark.django_db


def test_create_channel_token_prints_a_token_that_authenticates(channel, feed):
    feed.put("A")
    out = StringIO()
    call_command("create_channel_token", "web", "--name", "shop app", stdout=out)
    lines = out.getvalue().strip().splitlines()
    raw = lines[-1]
    assert raw.startswith("pim_") and " " not in raw
    token = ChannelToken.objects.get()
    assert token.name == "shop app"
    assert token.key_hash != raw and raw not in token.key_hash  # stored hashed
    response = get_page(Client(HTTP_AUTHORIZATION=f"Token {raw}"))
    assert response.status_code == 200
    assert response.json()["results"][0]["sku"] == "A"


def test_create_channel_token_unknown_channel(db):
    with pytest.raises(CommandError, match="Unknown channel"):
        call_command("create_channel_token", "nope", stdout=StringIO())

"""What the channel feed says about a product, read over HTTP with a real channel token."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import Client


def feed_client(channel_code):
    """A test client carrying a token that ``create_channel_token`` issued (its last output line)."""
    output = StringIO()
    call_command("create_channel_token", channel_code, stdout=output)
    return Client(HTTP_AUTHORIZATION=f"Token {output.getvalue().strip().splitlines()[-1]}")


def feed_document(client, channel_code, sku, locale):
    response = client.get(f"/api/v1/channels/{channel_code}/products/{sku}/", {"locale": locale})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def paid_amount(price):
    """The amount a reader pays: the open sale price, else the price."""
    return (price.get("sale") or price)["amount"]


def euros_comma(amount):
    """An amount written the way fi, ru and bg write euros: "1 234,50 €" (spaces as plain spaces)."""
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} €"

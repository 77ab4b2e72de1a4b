"""Feed admin: a token is shown once and works, never its hash; revocation; the delivery log."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from publishing.models import ChannelToken, WebhookDelivery

from .conftest import get_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-not-used")
    client = Client()
    client.force_login(user)
    return client


def test_adding_a_token_shows_it_once(admin_client, channel, feed):
    feed.put("A")
    response = admin_client.post(
        "/admin/publishing/channeltoken/add/", {"channel": channel.pk, "name": "shop"}, follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    raw = re.search(r"<code>(pim_[^<]+)</code>", html).group(1)
    token = ChannelToken.objects.get()
    assert token.name == "shop" and token.prefix == raw[:12]
    assert token.key_hash not in html
    assert get_page(Client(HTTP_AUTHORIZATION=f"Token {raw}")).status_code == 200

    # Shown once: neither the list nor the change page carries it.
    for url in ("/admin/publishing/channeltoken/", f"/admin/publishing/channeltoken/{token.pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert raw not in page and token.key_hash not in page
        assert token.prefix in page


def test_revoke_action(admin_client, channel, token):
    pk = ChannelToken.objects.get().pk
    response = admin_client.post("/admin/publishing/channeltoken/", {
        "action": "revoke", "_selected_action": [pk],
    }, follow=True)
    assert response.status_code == 200
    assert ChannelToken.objects.get().revoked_at is not None
    assert get_page(Client(HTTP_AUTHORIZATION=f"Token {token}")).status_code == 401


def test_delivery_log(admin_client, channel):
    delivery = WebhookDelivery.objects.create(
        channel=channel, url="https://example.com/hook", status="failed", attempts=8,
        payload={"event": "unpublished", "channel": "web", "locale": "fi", "sku": "SKU-Ő", "cursor": "c",
                 "occurred_at": timezone.now().isoformat()},
        last_error="HTTP 500 from the endpoint.",
    )
    html = admin_client.get("/admin/publishing/webhookdelivery/").content.decode()
    assert "SKU-Ő" in html and "HTTP 500" in html and "unpublished" in html
    detail = admin_client.get(f"/admin/publishing/webhookdelivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert admin_client.get("/admin/publishing/webhookdelivery/add/").status_code == 403

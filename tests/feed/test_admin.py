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


@pytest.mark.parametrize("url, allow_private, error", [
    ("https://127.0.0.1/hook", False, "resolves to a loopback, private or reserved address (127.0.0.1)"),
    ("https://10.0.0.8/hook", False, "resolves to a loopback, private or reserved address (10.0.0.8)"),
    ("https://localhost:8443/hook", False, "resolves to a loopback, private or reserved address"),
    ("http://93.184.216.34/hook", False, "Webhook URLs must use https."),
    ("https://hooks.example.invalid/pim", False, "Cannot resolve hooks.example.invalid"),
    ("https://93.184.216.34/hook", False, None),
    ("http://127.0.0.1:8080/hook", True, None),  # development and tests
])
def test_webhook_endpoint_is_checked_when_the_channel_is_saved(admin_client, channel, settings, url,
                                                               allow_private, error):
    from tests.catalog.conftest import form_data

    settings.PIM_WEBHOOK_ALLOW_PRIVATE = allow_private
    page_url = f"/admin/publishing/channel/{channel.pk}/change/"
    data = form_data(admin_client.get(page_url))
    data.update(webhook_url=url, webhook_secret="s3cret")
    response = admin_client.post(page_url, data)
    channel.refresh_from_db()
    if error is None:
        assert response.status_code == 302
        assert channel.webhook_url == url
        return
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["webhook_url"]
    assert any(error in message for message in errors), errors
    assert channel.webhook_url == ""  # nothing saved

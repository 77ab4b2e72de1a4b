"""Links from the admin to the web channel: an editor's preview of a product, per language."""

from django.conf import settings
from django.urls import reverse

from . import pages


def preview_links(sku):
    """[{code, name, url}] of the draft preview in every language of the web channel."""
    names = dict(settings.LANGUAGES)
    return [
        {"code": code, "name": names.get(code, code), "url": reverse("web-preview", kwargs={"lang": code, "sku": sku})}
        for code in pages.channel_languages(pages.web_channel())
    ]

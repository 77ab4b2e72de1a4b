"""Brochure campaigns: QR short links (allocated once, never reused) and scan records.

Every printer of a brochure calls ``ensure_short_links(brochure)`` and prints
``short_url(link)``; the web channel's ``/q/{code}`` view calls
``record_scan`` and ``campaign_query`` to land the reader on the right page.
"""

import re
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from publishing.models import QrScan, ShortLink

# No 0/O, 1/I/L: codes are typed by hand from paper too.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 7


def new_code():
    return "".join(secrets.choice(ALPHABET) for _index in range(CODE_LENGTH))


def short_url(link):
    """The absolute URL printed beneath a QR code (PIM_BASE_URL/q/CODE)."""
    return f"{settings.PIM_BASE_URL}/q/{link.code}"


def campaign_name(brochure):
    return brochure.code


def ensure_short_links(brochure, languages=None):
    """{(sku, language): ShortLink} for every product and language of the brochure.

    Existing links are kept (paper already printed carries them); products
    that left the brochure have their links retired, never deleted, and a
    product that comes back gets its old code back.
    """
    languages = list(languages or brochure.language_codes)
    skus = list(brochure.items.order_by("position", "pk").values_list("product__sku", flat=True))
    wanted = {(sku, lang) for sku in skus for lang in languages}
    existing = {(link.sku, link.language_code): link for link in ShortLink.objects.filter(brochure=brochure)}
    now = timezone.now()
    with transaction.atomic():
        leaving = [link.pk for key, link in existing.items() if key not in wanted and link.retired_at is None]
        if leaving and set(languages) == set(brochure.language_codes):
            ShortLink.objects.filter(pk__in=leaving).update(retired_at=now)
        returning = [link.pk for key, link in existing.items() if key in wanted and link.retired_at is not None]
        if returning:
            ShortLink.objects.filter(pk__in=returning).update(retired_at=None)
            for key, link in existing.items():
                if link.pk in returning:
                    link.retired_at = None
    for sku, lang in sorted(wanted - existing.keys()):
        existing[(sku, lang)] = _create_link(brochure, sku, lang)
    return {key: existing[key] for key in wanted}


def _create_link(brochure, sku, lang):
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(
                    code=new_code(), brochure=brochure, sku=sku, language_code=lang,
                    campaign=campaign_name(brochure),
                )
        except IntegrityError:
            # A code collision retries; a concurrent creator of the same link wins.
            found = ShortLink.objects.filter(brochure=brochure, sku=sku, language_code=lang).first()
            if found is not None:
                return found
    raise RuntimeError("could not allocate a unique short link code")


def find_link(code):
    """The short link for a code as typed or scanned (case-insensitive), or None."""
    code = (code or "").strip().lower()
    if not code or len(code) > 16:
        return None
    return ShortLink.objects.select_related("brochure").filter(code=code).first()


_BOT = re.compile(r"bot|crawl|spider|slurp|preview|fetch|curl|wget|python-requests|httpclient", re.I)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|windows phone|opera mini|blackberry", re.I)
_DESKTOP = re.compile(r"windows nt|macintosh|x11|cros|linux x86_64", re.I)


def device_class(user_agent):
    """A coarse device class from a User-Agent; the agent itself is not kept."""
    agent = user_agent or ""
    if not agent or _BOT.search(agent):
        return QrScan.Device.BOT if agent else QrScan.Device.OTHER
    if _TABLET.search(agent):
        return QrScan.Device.TABLET
    if _MOBILE.search(agent):
        return QrScan.Device.MOBILE
    if _DESKTOP.search(agent):
        return QrScan.Device.DESKTOP
    return QrScan.Device.OTHER


def record_scan(link, user_agent=""):
    """Store one scan (time, brochure, language, device class) and count it."""
    scan = QrScan.objects.create(
        short_link=link, brochure=link.brochure, language_code=link.language_code,
        device_class=device_class(user_agent),
    )
    ShortLink.objects.filter(pk=link.pk).update(scan_count=F("scan_count") + 1)
    return scan


def campaign_query(link):
    """The campaign tags a landing URL carries."""
    return urlencode({"utm_source": "brochure", "utm_medium": "qr", "utm_campaign": link.campaign})

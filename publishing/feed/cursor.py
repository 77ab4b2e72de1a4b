"""Opaque, tamper-evident feed cursors scoped to one channel and locale.

A cursor is ``base64url(payload) + "." + base64url(mac)`` where the payload is
``v1:<channel id>:<locale>:<seq>[:<full-sync top>]`` and the MAC is an
HMAC-SHA256 keyed from SECRET_KEY. Clients must treat it as opaque.

``seq`` is the feed position: the reader has seen every change up to it.
``full_top`` is set only while a full sync is paging: the channel's last
sequence number when the sync started (see publishing/feed/pages.py).
"""

import base64
import binascii
import hmac
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

_SALT = "pim.feed.cursor"
_VERSION = "v1"


class InvalidCursor(ValueError):
    """The cursor was not made by this hub, was altered, or belongs elsewhere."""


@dataclass(frozen=True)
class Cursor:
    channel_id: int
    locale: str
    seq: int
    full_top: int | None = None

    @property
    def is_full_sync(self):
        return self.full_top is not None


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload):
    # Truncated to 128 bits: plenty against forgery, keeps cursors short.
    return salted_hmac(_SALT, payload, algorithm="sha256").digest()[:16]


def encode(cursor):
    parts = [_VERSION, str(cursor.channel_id), cursor.locale, str(cursor.seq)]
    if cursor.full_top is not None:
        parts.append(str(cursor.full_top))
    payload = ":".join(parts).encode("ascii")
    return f"{_b64(payload)}.{_b64(_mac(payload))}"


def decode(text, channel_id, locale):
    """Parse and verify a cursor made for this channel and locale."""
    if not text or len(text) > 200 or text.count(".") != 1:
        raise InvalidCursor("malformed")
    body, mac = text.split(".")
    try:
        payload, given = _unb64(body), _unb64(mac)
    except (binascii.Error, ValueError):
        raise InvalidCursor("malformed") from None
    if not hmac.compare_digest(given, _mac(payload)):
        raise InvalidCursor("signature")
    try:
        parts = payload.decode("ascii").split(":")
        if parts[0] != _VERSION or len(parts) not in (4, 5):
            raise ValueError
        cursor = Cursor(
            channel_id=int(parts[1]), locale=parts[2], seq=int(parts[3]),
            full_top=int(parts[4]) if len(parts) == 5 else None,
        )
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("malformed") from None
    if cursor.channel_id != channel_id or cursor.locale != locale:
        raise InvalidCursor("scope")
    if cursor.seq < 0 or (cursor.full_top is not None and cursor.full_top < 0):
        raise InvalidCursor("malformed")
    return cursor


def for_change(channel_id, locale, seq):
    """The delta cursor positioned at one change (used in webhook payloads)."""
    return encode(Cursor(channel_id, locale, seq))

"""Webhooks: signed POSTs of publish and unpublish events to a channel's endpoint.

Every stamped snapshot of a channel with a webhook URL becomes one
WebhookDelivery row (the delivery log the admin shows). Every attempt, the
first and each retry, is made by the job worker (``tasks.deliver_webhooks``):
a failed attempt (an error answer, a refused connection, a host name that
does not resolve) waits with exponential backoff, and the scheduler's
``enqueue_due`` only hands deliveries whose time has come to the worker, so a
slow endpoint never holds up the scheduler's other duties. After
``PIM_WEBHOOK_MAX_ATTEMPTS`` attempts the delivery is marked failed.

A queued delivery carries a ticket: its ``next_attempt_at`` is moved to the
end of a queue lease (``PIM_WEBHOOK_QUEUE_SECONDS``) and the task is given
that value; only a task holding the current ticket may send it, so a
delivery is queued once, not on every sweep while the worker is busy, and is
queued again only if the worker never got to it within the lease.

Requests carry ``X-PIM-Timestamp`` (Unix seconds) and ``X-PIM-Signature:
sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the channel's
webhook secret>``; ``verify_signature`` is the reference for receivers.

Endpoints must be https and resolve to public addresses only (no loopback,
private, link-local, …), so a channel setting cannot make the hub probe its
own network. ``validate_endpoint`` checks this when the channel is saved in
the admin; every attempt checks again, and the checked address is the one
connected to (no second DNS lookup); redirects are not followed.
``PIM_WEBHOOK_ALLOW_PRIVATE`` lifts both rules for development and tests.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from publishing.events import snapshots_stamped
from publishing.models import WebhookDelivery

from . import cursor as cursors

logger = logging.getLogger("pim.webhooks")

Status = WebhookDelivery.Status
# One task sends at most this many deliveries, so a bulk publish spreads
# over several tasks instead of one that runs for hours.
TASK_CHUNK = 100
USER_AGENT = "PIM-hub-webhooks/1.0"


def _setting(name, default):
    return getattr(settings, name, default)


def max_attempts():
    return int(_setting("PIM_WEBHOOK_MAX_ATTEMPTS", 8))


def queue_lease():
    """How long a queued delivery waits for the worker before it is queued again."""
    return timedelta(seconds=float(_setting("PIM_WEBHOOK_QUEUE_SECONDS", 600)))


def retry_delay(attempts):
    """Wait after the ``attempts``-th failed attempt: base · 2^(attempts-1), capped."""
    base = float(_setting("PIM_WEBHOOK_RETRY_BASE_SECONDS", 60))
    cap = float(_setting("PIM_WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


# --- signing --------------------------------------------------------------------

def _bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def sign(secret, timestamp, body):
    """The X-PIM-Signature value for a body sent at ``timestamp``."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return "sha256=" + hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_signature(secret, timestamp, body, signature, now=None, tolerance=300):
    """Receiver-side check: the signature matches and the timestamp is at most
    ``tolerance`` seconds away from ``now`` (replayed old requests fail)."""
    try:
        sent_at = int(str(timestamp).strip())
    except (TypeError, ValueError):
        return False
    if now is None:
        now = time.time()
    elif hasattr(now, "timestamp"):
        now = now.timestamp()
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(_bytes(signature or ""), _bytes(sign(secret, sent_at, body)))


# --- creating deliveries ----------------------------------------------------------

def payload_for(channel, snapshot):
    return {
        "event": "unpublished" if snapshot.deleted else "published",
        "channel": channel.code,
        "locale": snapshot.locale,
        "sku": snapshot.sku,
        # The feed position of this change: a client whose stored cursor is
        # at or past it already has the change.
        "cursor": cursors.for_change(channel.pk, snapshot.locale, snapshot.seq),
        "occurred_at": snapshot.updated_at.isoformat(),
    }


def create_deliveries(channel, snapshots, now=None):
    """One pending delivery per stamped snapshot, queued under one ticket;
    returns (ids, ticket)."""
    if not channel.webhook_url or not channel.is_active:
        return [], None
    ticket = (now or timezone.now()) + queue_lease()
    rows = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(
            channel=channel, url=channel.webhook_url, payload=payload_for(channel, snap),
            status=Status.PENDING, next_attempt_at=ticket,
        )
        for snap in snapshots if snap.seq is not None
    ], batch_size=500)
    # PostgreSQL and SQLite ≥ 3.35 return the new ids from bulk inserts.
    return [row.pk for row in rows], ticket


def enqueue(ids, ticket=None):
    """Send these deliveries from the job worker once the transaction commits
    (``ticket``: the queue lease their rows carry, see the module text)."""
    from .tasks import deliver_webhooks

    ids = list(ids)
    stamp = ticket.isoformat() if ticket is not None else None

    def send():
        for start in range(0, len(ids), TASK_CHUNK):
            deliver_webhooks.enqueue(ids[start:start + TASK_CHUNK], stamp)

    if ids:
        transaction.on_commit(send)


def _take_for_queue(queryset, now):
    """Give the deliveries of ``queryset`` a fresh ticket and queue them;
    returns their ids. Rows another sweep took meanwhile are left out."""
    ticket = now + queue_lease()
    ids = list(queryset.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True), status=Status.PENDING,
    ).update(next_attempt_at=ticket)
    taken = list(WebhookDelivery.objects.filter(pk__in=ids, next_attempt_at=ticket).values_list("pk", flat=True))
    enqueue(taken, ticket)
    return taken


@receiver(snapshots_stamped, dispatch_uid="publishing.feed.webhooks")
def on_snapshots_stamped(sender, snapshots, **kwargs):
    try:
        enqueue(*create_deliveries(sender, snapshots))
    except Exception:  # the publish has committed; never undo it over a webhook
        logger.exception("could not record webhook deliveries for channel %s", sender)


# --- sending ----------------------------------------------------------------------

class UnsafeEndpoint(Exception):
    """The URL may not be called (scheme, or an address inside the network)."""


class NameNotResolved(OSError):
    """The endpoint's host name does not resolve (now): retried with backoff
    like a refused connection, since DNS fails and recovers on its own."""


def _allow_private():
    return bool(_setting("PIM_WEBHOOK_ALLOW_PRIVATE", False))


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_endpoint(url):
    """(parts, address) to connect to; raises UnsafeEndpoint."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if _allow_private() else ("https",)
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise UnsafeEndpoint(_("Webhook URLs must use https."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NameNotResolved(_("Cannot resolve %(host)s: %(error)s") % {"host": parts.hostname, "error": exc}) from None
    addresses = [info[4][0] for info in infos]
    if not _allow_private():
        refused = [a for a in addresses if not _is_public(a)]
        if refused:
            raise UnsafeEndpoint(
                _("%(host)s resolves to a loopback, private or reserved address (%(address)s).")
                % {"host": parts.hostname, "address": refused[0]}
            )
    return parts, addresses[0]


def validate_endpoint(url):
    """The save-time check of a channel's webhook URL: https, and a host that
    resolves to public addresses only (unless ``PIM_WEBHOOK_ALLOW_PRIVATE``);
    raises ValidationError with the reason."""
    if not url:
        return
    try:
        resolve_endpoint(url)
    except (UnsafeEndpoint, NameNotResolved) as exc:
        raise ValidationError(str(exc), code="unsafe_webhook") from None


def _connection(parts, address, timeout):
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)

    # Connect to the address that was checked (TLS still verifies the host name).
    def create_connection(addr, timeout=timeout, source_address=None):
        return socket.create_connection((address, addr[1]), timeout, source_address)

    conn._create_connection = create_connection
    return conn


def post(url, body, headers, timeout=None):
    """POST once; returns the HTTP status. Redirects are not followed."""
    parts, address = resolve_endpoint(url)
    timeout = timeout or float(_setting("PIM_WEBHOOK_TIMEOUT", 10))
    conn = _connection(parts, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        conn.close()


def request_for(delivery, secret, timestamp=None):
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = int(timestamp if timestamp is not None else time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-PIM-Event": str(delivery.payload.get("event", "")),
        "X-PIM-Delivery": str(delivery.pk),
        "X-PIM-Timestamp": str(timestamp),
        "X-PIM-Signature": sign(secret, timestamp, body),
    }
    return body, headers


def _claim(delivery_id, now, ticket=None):
    """Take a delivery for one attempt: the one queued under ``ticket`` (or,
    without one, a due one), so no two tasks ever send it at the same time."""
    lease = timedelta(seconds=float(_setting("PIM_WEBHOOK_TIMEOUT", 10)) + 60)
    rows = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING)
    rows = rows.filter(next_attempt_at=ticket) if ticket is not None else rows.filter(next_attempt_at__lte=now)
    return rows.update(next_attempt_at=now + lease) == 1


def attempt(delivery_id, now=None, ticket=None):
    """One attempt at a delivery queued under ``ticket`` (or a due one);
    returns its status afterwards (None if another task has it)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now, ticket):
        return None
    delivery = WebhookDelivery.objects.select_related("channel").get(pk=delivery_id)
    delivery.attempts += 1
    code, error, final = None, "", False
    try:
        body, headers = request_for(delivery, delivery.channel.webhook_secret)
        code = post(delivery.url, body, headers)
        if not 200 <= code < 300:
            error = _("HTTP %(code)d from the endpoint.") % {"code": code}
    except UnsafeEndpoint as exc:
        error, final = str(exc), True  # a configuration problem; retrying will not help
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    finished = timezone.now()
    delivery.response_code = code
    if not error:
        delivery.status, delivery.delivered_at, delivery.last_error = Status.DELIVERED, finished, ""
        delivery.next_attempt_at = None
    elif final or delivery.attempts >= max_attempts():
        delivery.status, delivery.last_error, delivery.next_attempt_at = Status.FAILED, error, None
    else:
        delivery.last_error = error
        delivery.next_attempt_at = finished + retry_delay(delivery.attempts)
    delivery.save(update_fields=[
        "status", "attempts", "response_code", "last_error", "next_attempt_at", "delivered_at",
    ])
    if error:
        logger.warning("webhook delivery %s attempt %d: %s", delivery.pk, delivery.attempts, error)
    return delivery.status


def deliver(delivery_ids, ticket=None):
    """The task's work: one attempt at each delivery it was given; returns
    how many were delivered."""
    return sum(attempt(pk, ticket=ticket) == Status.DELIVERED for pk in delivery_ids)


def enqueue_due(now=None, batch=1000):
    """Periodic duty: queue deliveries whose (re)try time has come for the
    job worker (it sends nothing itself); returns how many were queued."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")[:batch]
    )
    return len(_take_for_queue(due, now))


def retry_now(deliveries):
    """Queue failed or waiting deliveries for one more attempt at once (admin)."""
    ids = list(deliveries.exclude(status=Status.DELIVERED).values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk__in=ids).update(status=Status.PENDING, next_attempt_at=now)
        return len(_take_for_queue(WebhookDelivery.objects.filter(pk__in=ids), now))

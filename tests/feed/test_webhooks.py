"""Webhooks: signed deliveries to a real local endpoint, retries with backoff, refused addresses."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from publishing.feed import cursor as cursors
from publishing.feed import webhooks
from publishing.models import ProductSnapshot, WebhookDelivery
from publishing.sequencing import stamp_pending

pytestmark = pytest.mark.django_db

SECRET = "s3cret-ünïcode"


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that verifies signatures like a client would."""

    def __init__(self):
        self.requests = []
        self.statuses = []  # answers to give, in order; 200 once used up
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "valid": webhooks.verify_signature(
                        SECRET, self.headers["X-PIM-Timestamp"], body, self.headers["X-PIM-Signature"],
                    ),
                })
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/pim?x=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings, channel):
    settings.PIM_WEBHOOK_ALLOW_PRIVATE = True
    with Receiver() as server:
        channel.webhook_url = server.url
        channel.webhook_secret = SECRET
        channel.save()
        yield server


def pending_snapshot(channel, sku, deleted=False, locale="en"):
    now = timezone.now()
    document = {"sku": sku, "deleted": deleted, "locale": locale, "updated_at": now.isoformat()}
    return ProductSnapshot.objects.create(
        channel=channel, sku=sku, locale=locale, document=document, content_hash=sku, deleted=deleted,
        seq=None, pending=True, updated_at=now,
    )


def stamp(channel, capture):
    with capture(execute=True):
        stamp_pending(channel.pk)


def test_stamped_changes_are_posted_signed(channel, receiver, django_capture_on_commit_callbacks):
    pending_snapshot(channel, "A")
    pending_snapshot(channel, "B", deleted=True)
    stamp(channel, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 2
    assert all(r["valid"] for r in receiver.requests)
    assert receiver.requests[0]["path"] == "/hooks/pim?x=1"
    payloads = [json.loads(r["body"]) for r in receiver.requests]
    assert [(p["event"], p["sku"]) for p in payloads] == [("published", "A"), ("unpublished", "B")]
    first = payloads[0]
    assert set(first) == {"event", "channel", "locale", "sku", "cursor", "occurred_at"}
    assert first["channel"] == "web" and first["locale"] == "en"
    seq = ProductSnapshot.objects.get(sku="A").seq
    assert cursors.decode(first["cursor"], channel.pk, "en").seq == seq
    headers = receiver.requests[0]["headers"]
    assert headers["X-PIM-Signature"].startswith("sha256=")
    assert headers["Content-Type"].startswith("application/json")
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}


def test_no_webhook_url_no_deliveries(channel, django_capture_on_commit_callbacks):
    pending_snapshot(channel, "A")
    stamp(channel, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists()


def sweep(capture, now=None):
    """The scheduler's webhook duty; the tasks it queues run after commit."""
    with capture(execute=True):
        return webhooks.enqueue_due(now=now)


def test_failed_delivery_is_retried_with_backoff(channel, receiver, settings, django_capture_on_commit_callbacks):
    settings.PIM_WEBHOOK_RETRY_BASE_SECONDS = 60
    receiver.statuses = [500, 503]
    pending_snapshot(channel, "A")
    stamp(channel, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert "500" in delivery.last_error
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < first_wait <= timedelta(seconds=60)

    assert sweep(django_capture_on_commit_callbacks) == 0  # not due yet
    assert len(receiver.requests) == 1

    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert sweep(django_capture_on_commit_callbacks, now=later) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 2, 503)
    # Exponential: the second wait is twice the first.
    second_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=115) < second_wait <= timedelta(seconds=120)

    assert sweep(django_capture_on_commit_callbacks, now=delivery.next_attempt_at + timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    assert len(receiver.requests) == 3
    assert all(r["valid"] for r in receiver.requests)


def test_gives_up_after_max_attempts(channel, receiver, settings, django_capture_on_commit_callbacks):
    settings.PIM_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [500] * 5
    pending_snapshot(channel, "A")
    stamp(channel, django_capture_on_commit_callbacks)
    far = timezone.now() + timedelta(days=1)
    sweep(django_capture_on_commit_callbacks, now=far)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert sweep(django_capture_on_commit_callbacks, now=far + timedelta(days=1)) == 0
    assert len(receiver.requests) == 2

    # The admin's "retry now" gives it one more attempt.
    receiver.statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.retry_now(WebhookDelivery.objects.all()) == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_delivery_is_sent_once_when_task_and_sweep_race(channel, receiver, django_capture_on_commit_callbacks):
    pending_snapshot(channel, "A")
    stamp(channel, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.attempt(delivery.pk) is None  # already delivered
    assert sweep(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(days=1)) == 0
    assert len(receiver.requests) == 1


def test_the_sweep_only_queues_and_the_worker_sends(channel, receiver, settings, django_capture_on_commit_callbacks):
    """The scheduler's duty sends nothing itself: it queues delivery tasks,
    once per due delivery, and only the task holding the ticket sends."""
    from django_tasks import default_task_backend

    from publishing.scheduler import DUTIES

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    assert "publishing.feed.webhooks.enqueue_due" in {duty.path for duty in DUTIES}
    receiver.statuses = [500]
    pending_snapshot(channel, "A")
    pending_snapshot(channel, "B")
    stamp(channel, django_capture_on_commit_callbacks)
    assert receiver.requests == []  # queued, not sent by the stamping process
    first = list(default_task_backend.results)
    assert len(first) == 1 and len(first[0].args[0]) == 2
    for task in first:  # the worker runs the queued task: one attempt each
        webhooks.deliver(task.args[0], ticket=parse_datetime(task.args[1]))
    assert len(receiver.requests) == 2
    failed = WebhookDelivery.objects.get(status="pending")
    assert failed.attempts == 1

    later = failed.next_attempt_at + timedelta(seconds=1)
    # Due again: the sweep queues it and returns without sending anything...
    assert sweep(django_capture_on_commit_callbacks, now=later) == 1
    assert len(receiver.requests) == 2
    # ...and a second sweep while the worker is busy does not queue it twice.
    assert sweep(django_capture_on_commit_callbacks, now=later + timedelta(seconds=30)) == 0
    queued = [task for task in default_task_backend.results if task not in first]
    assert len(queued) == 1 and queued[0].args[0] == [failed.pk]
    # A stale task (an old ticket) sends nothing; the current one sends once.
    assert webhooks.deliver([failed.pk], ticket=later) == 0
    assert webhooks.deliver(queued[0].args[0], ticket=parse_datetime(queued[0].args[1])) == 1
    assert webhooks.deliver(queued[0].args[0], ticket=parse_datetime(queued[0].args[1])) == 0
    assert len(receiver.requests) == 3
    # A task the worker never ran is queued again once its lease has passed.
    pending_snapshot(channel, "C")
    stamp(channel, django_capture_on_commit_callbacks)
    lost = WebhookDelivery.objects.get(status="pending")
    assert sweep(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(seconds=30)) == 0
    assert sweep(django_capture_on_commit_callbacks, now=lost.next_attempt_at + timedelta(seconds=1)) == 1


def test_unresolvable_host_is_retried_with_backoff(channel, settings, django_capture_on_commit_callbacks):
    # .invalid never resolves (RFC 2606): DNS trouble is temporary, not a verdict.
    settings.PIM_WEBHOOK_ALLOW_PRIVATE = False
    channel.webhook_url, channel.webhook_secret = "https://hooks.example.invalid/pim", SECRET
    channel.save()
    pending_snapshot(channel, "A")
    stamp(channel, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "Cannot resolve hooks.example.invalid" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    sweep(django_capture_on_commit_callbacks, now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)


def test_private_endpoint_is_refused(channel, settings, django_capture_on_commit_callbacks):
    settings.PIM_WEBHOOK_ALLOW_PRIVATE = False
    with Receiver() as server:
        channel.webhook_url = server.url.replace("http://", "https://")
        channel.webhook_secret = SECRET
        channel.save()
        pending_snapshot(channel, "A")
        stamp(channel, django_capture_on_commit_callbacks)
        assert server.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert "private" in delivery.last_error


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://10.1.2.3/", "https://192.168.0.10/", "https://172.16.0.1/",
    "https://169.254.169.254/latest/", "https://[::1]/", "https://[fd00::1]/", "https://[::ffff:10.0.0.1]/",
    "https://0.0.0.0/", "https://100.64.0.1/", "http://93.184.216.34/", "ftp://93.184.216.34/",
    "https://localhost/",
])
def test_resolve_endpoint_refuses_internal_addresses_and_plain_http(settings, url):
    settings.PIM_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(webhooks.UnsafeEndpoint):
        webhooks.resolve_endpoint(url)


def test_resolve_endpoint_accepts_public_https(settings):
    settings.PIM_WEBHOOK_ALLOW_PRIVATE = False
    parts, address = webhooks.resolve_endpoint("https://93.184.216.34:8443/hook")
    assert address == "93.184.216.34" and parts.port == 8443


def test_verify_signature():
    body = b'{"event":"published","sku":"\xc5\x90"}'
    now = 1_800_000_000
    signature = webhooks.sign(SECRET, now, body)
    assert webhooks.verify_signature(SECRET, str(now), body, signature, now=now + 10)
    assert webhooks.verify_signature(SECRET, now, body.decode(), signature, now=now)
    assert not webhooks.verify_signature("other", now, body, signature, now=now)
    assert not webhooks.verify_signature(SECRET, now, body + b" ", signature, now=now)
    assert not webhooks.verify_signature(SECRET, now + 1, body, signature, now=now)
    assert not webhooks.verify_signature(SECRET, now, body, signature, now=now + 301)  # too old
    assert not webhooks.verify_signature(SECRET, now, body, signature, now=now - 301)  # from the future
    assert webhooks.verify_signature(SECRET, now, body, signature, now=now + 300)
    assert not webhooks.verify_signature(SECRET, "yesterday", body, signature, now=now)
    assert not webhooks.verify_signature(SECRET, now, body, None, now=now)
    # Same algorithm a receiver would write by hand.
    import hashlib
    import hmac
    expected = hmac.new(SECRET.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}"

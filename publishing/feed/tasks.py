"""django-tasks entry points of the feed (run by the job worker)."""

from django.utils.dateparse import parse_datetime
from django_tasks import task


@task()
def deliver_webhooks(delivery_ids, ticket=None):
    """One attempt at each of these webhook deliveries, if they are still
    queued under ``ticket`` (ISO 8601; tasks queued without one send what
    is due)."""
    from .webhooks import deliver

    return deliver(delivery_ids, ticket=parse_datetime(ticket) if ticket else None)

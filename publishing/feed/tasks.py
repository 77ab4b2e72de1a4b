"""django-tasks entry points of the feed (run by the job worker)."""

from django_tasks import task


@task()
def deliver_webhooks(delivery_ids):
    """Send these webhook deliveries (each once, if still due)."""
    from .webhooks import deliver

    return deliver(delivery_ids)

"""The core job kinds: publish a channel, refresh completeness or edited products, a self-test.

Publishers register their own kinds in a ``job_kinds.py`` of their package
(``publishing/pdf/job_kinds.py`` …); publishing.jobs imports them all.
Heavy modules are imported inside the functions so the worker starts fast
and a part that is not installed fails only its own jobs.
"""

import time

from django.utils.translation import gettext as _

from publishing.jobs import JobFailed, job_kind


@job_kind("publish_channel")
def publish_channel(ctx, channel, skus=None):
    """(Re)publish what is due on one channel, or only the given SKUs."""
    from publishing.models import Channel
    from publishing.services import publish_channel as publish

    try:
        channel_obj = Channel.objects.get(code=channel)
    except Channel.DoesNotExist:
        raise JobFailed(_("Unknown channel: %(code)s") % {"code": channel}) from None
    ctx.log(_("Publishing channel %(code)s.") % {"code": channel})
    return publish(channel_obj, skus=skus or None, progress=ctx.progress)


@job_kind("refresh_completeness")
def refresh_completeness(ctx, **params):
    """Recompute completeness of every product on every channel."""
    from publishing.completeness import refresh_completeness as refresh

    return refresh(progress=ctx.progress, **params)


@job_kind("refresh_products")
def refresh_products(ctx, products):
    """After a large edit: completeness of these products on every channel,
    republished where they are published (``services.refresh_products``)."""
    from publishing.services import refresh_products as refresh

    ctx.log(_("Refreshing %(count)d edited products.") % {"count": len(products)})
    return refresh(products)


@job_kind("selftest")
def selftest(ctx, steps=5, delay=1.0, fail=False):
    """Checks the worker end to end: reports progress in ``steps`` steps,
    ``delay`` seconds apart, and fails at the end when ``fail`` is true."""
    steps = max(1, int(steps))
    for step in range(1, steps + 1):
        time.sleep(float(delay))
        ctx.progress(step, steps, _("step %(step)d") % {"step": step})
    if fail:
        raise RuntimeError("selftest asked to fail")

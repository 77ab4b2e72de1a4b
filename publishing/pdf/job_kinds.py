"""Job kinds for the PDF catalog, datasheets and shelf labels (the worker runs these).

``start_job("render_catalog", {"channel": "print", "locale": "fi"})``,
``start_job("render_datasheet", {"sku": "X", "locale": "fi", "channel": "print"})``,
``start_job("render_labels", {"store": "hel1", "locale": "fi", "channel": "print"})``:
each returns the Artifact (cached by content hash) the admin offers for download.
"""

from publishing.jobs import JobFailed, job_kind


def _run(render, ctx, *args, **kwargs):
    from publishing.pdf.common import RenderInputError

    try:
        return render(*args, progress=ctx.progress, log=ctx.log, **kwargs)
    except RenderInputError as error:
        raise JobFailed(str(error)) from None


@job_kind("render_catalog")
def render_catalog(ctx, channel, locale):
    """The PDF catalog of a channel in one language."""
    from publishing.pdf.catalog import render_catalog as render

    return _run(render, ctx, channel, locale)


@job_kind("render_datasheet")
def render_datasheet(ctx, sku, locale, channel="print"):
    """The technical datasheet of one product in one language."""
    from publishing.pdf.datasheet import render_datasheet as render

    return _run(render, ctx, sku, locale, channel_code=channel)


@job_kind("render_labels")
def render_labels(ctx, store, locale, channel="print"):
    """A sheet of shelf labels for one store in one language."""
    from publishing.pdf.labels import render_labels as render

    return _run(render, ctx, store, locale, channel_code=channel)


# The worker imports only ``job_kinds`` modules; the brochure's kinds live in
# their own module of this package and are registered from here.
try:
    from publishing.pdf import brochure_jobs  # noqa: E402, F401
except ImportError:  # pragma: no cover - the brochure part is optional
    pass

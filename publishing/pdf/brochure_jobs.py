"""Job kind ``render_brochure``: a campaign brochure in one language and variant, rendered in the worker.

``start_job("render_brochure", {"code": "demo", "locale": "fi", "variant": "print"})``
returns a Job whose Artifact (cached by content hash) the admin offers for
download; warnings (low-resolution photos, skipped products) are in the job
log and in ``Artifact.meta["warnings"]``.
"""

from publishing.jobs import JobFailed, job_kind


@job_kind("render_brochure")
def render_brochure(ctx, code, locale, variant="print"):
    """The print-ready (CMYK, PDF/X-4, bleed) or screen (RGB) brochure of a campaign."""
    from publishing.pdf.brochure import render_brochure as render
    from publishing.pdf.common import RenderInputError

    try:
        return render(code, locale, variant=variant, progress=ctx.progress, log=ctx.log)
    except RenderInputError as error:
        raise JobFailed(str(error)) from None

"""Job kind ``export_channel``: build one export file in the worker."""

from django.utils.translation import gettext as _

from publishing.jobs import JobFailed, job_kind


@job_kind("export_channel")
def export_channel(ctx, channel, locale, format):
    """Build the export of ``channel`` × ``locale`` in ``format`` and attach it."""
    from publishing.models import Channel

    from .service import ExportError, build_export

    try:
        channel_obj = Channel.objects.prefetch_related("languages").get(code=channel)
    except Channel.DoesNotExist:
        raise JobFailed(_("Unknown channel: %(code)s") % {"code": channel}) from None
    try:
        artifact = build_export(channel_obj, locale, format, progress=ctx.progress)
    except ExportError as exc:
        raise JobFailed(str(exc)) from None
    meta = artifact.meta or {}
    ctx.log(_("%(items)d items written, %(excluded)d left out.") % {
        "items": meta.get("items", 0), "excluded": meta.get("excluded_count", 0),
    })
    return artifact

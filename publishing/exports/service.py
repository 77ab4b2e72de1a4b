"""Building, caching and delivering exports: the functions the job, command, views and admin call.

An export is cached as an Artifact keyed by the hash of everything that
shapes it: the published documents (each snapshot's content hash), the
format, the channel settings it uses and the export code itself. History is
kept: every distinct content is its own Artifact row; pulls serve the latest.

Each export remembers the feed position it was made from (``source_seq``).
A publish or withdrawal moves the channel's feed past it and the export is
stale: the scheduler's ``rebuild_stale_exports`` queues a rebuild of every
such export, and a pull of a stale one is built at once when the catalog is
small, else served as it is, marked stale, while the rebuild runs.
"""

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from publishing.artifacts import content_hash, file_hash, latest_artifact, store_artifact
from publishing.models import Artifact, Job

from .offers import ExportContext
from .registry import FORMATS, get_format
from .report import ExportReport
from .source import count_documents, documents_digest, iter_documents, last_seq

ARTIFACT_KIND = "export"
JOB_KIND = "export_channel"
# A stale export of at most this many documents is rebuilt within the pull
# (about a second per 2 000 documents), larger ones by the worker.
PULL_BUILD_LIMIT = 5000


class ExportError(ValueError):
    """Bad export parameters; ``code`` is the machine code of the error."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


@lru_cache(maxsize=1)
def code_version():
    """Hash of this package's source: changing how a file is written makes a new file."""
    return file_hash(*sorted(Path(__file__).resolve().parent.glob("*.py")))


def resolve(channel, locale, format_code):
    """The format to write; ExportError for an unknown format or a locale the channel does not publish."""
    fmt = get_format(format_code)
    if fmt is None:
        raise ExportError(
            _("Unknown format '%(format)s'. Formats: %(valid)s.")
            % {"format": format_code, "valid": ", ".join(FORMATS)},
            "unknown_format",
        )
    valid = channel.language_codes
    if locale not in valid:
        raise ExportError(
            _("Unknown locale '%(locale)s'. Channel %(channel)s publishes: %(valid)s.")
            % {"locale": locale, "channel": channel.code, "valid": ", ".join(valid) or "-"},
            "unknown_locale",
        )
    return fmt


class DocumentSource:
    """The channel × locale documents; each iteration reads them afresh
    (a format may pass twice, e.g. to learn its columns first)."""

    def __init__(self, channel, locale, progress=None):
        self.channel, self.locale, self.progress = channel, locale, progress

    def __iter__(self):
        return iter_documents(self.channel, self.locale, self.progress)


def export_key(channel, locale, fmt, context):
    return content_hash(ARTIFACT_KIND, fmt.code, code_version(), context.fingerprint(),
                        documents_digest(channel, locale))


def build_export(channel, locale, format_code, progress=None):
    """The export of ``channel`` × ``locale`` in ``format_code`` as an Artifact,
    made now unless an identical one exists. Its ``meta`` holds the validation
    report (items written, items left out with their reasons, warnings)."""
    fmt = resolve(channel, locale, format_code)
    context = ExportContext.for_channel(channel, locale)
    # Read before the documents: a publish racing with this build makes the
    # artifact look stale (and rebuilt), never fresh.
    seq = last_seq(channel, locale)
    key = export_key(channel, locale, fmt, context)
    report = ExportReport()
    written = []
    started = time.monotonic()

    def writer(handle):
        written.append(True)
        fmt.write(handle, DocumentSource(channel, locale, progress), context, report)

    artifact = store_artifact(ARTIFACT_KIND, key, writer, filename=fmt.filename(context), channel=channel,
                              locale=locale, format=fmt.code)
    if written:
        artifact.meta = report.as_meta(
            format=fmt.code, feed_label=context.feed_label, filename=fmt.filename(context),
            seconds=round(time.monotonic() - started, 3), source_seq=seq,
        )
        artifact.save(update_fields=["meta"])
    else:
        _reuse(artifact, seq)
    return artifact


def _reuse(artifact, seq):
    """An identical older file was found: it becomes the latest again (the
    content went back to what it was) and remembers what it is current to."""
    meta = dict(artifact.meta or {})
    meta["source_seq"] = max(int(meta.get("source_seq") or 0), seq)
    fields = {"meta": meta}
    latest = latest_export(artifact.channel, artifact.locale, artifact.format)
    if latest is not None and latest.pk != artifact.pk:
        fields["created_at"] = timezone.now()
    Artifact.objects.filter(pk=artifact.pk).update(**fields)
    for name, value in fields.items():
        setattr(artifact, name, value)


def latest_export(channel, locale, format_code):
    return latest_artifact(ARTIFACT_KIND, channel=channel, locale=locale, format=format_code)


def is_stale(artifact, channel, locale):
    """True when something was published or withdrawn after the export was made."""
    return last_seq(channel, locale) > int((artifact.meta or {}).get("source_seq") or 0)


def request_export(channel, locale, format_code, user=None):
    """Queue an export job unless one for the same file is already waiting or running."""
    resolve(channel, locale, format_code)
    waiting = Job.objects.filter(
        kind=JOB_KIND, status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        params__channel=channel.code, params__locale=locale, params__format=format_code,
    ).first()
    if waiting is not None:
        return waiting
    from publishing.jobs import start_job

    return start_job(JOB_KIND, {"channel": channel.code, "locale": locale, "format": format_code}, user=user)


@dataclass(frozen=True)
class Pull:
    artifact: Artifact
    stale: bool  # older than the channel's feed; a rebuild is queued


def pull_build_limit():
    return int(getattr(settings, "PIM_EXPORT_PULL_BUILD_LIMIT", PULL_BUILD_LIMIT))


def export_for_pull(channel, locale, format_code):
    """What a marketplace pull serves. The latest export when it is current;
    built now when there is none, or when it is stale and the channel × locale
    has at most ``PIM_EXPORT_PULL_BUILD_LIMIT`` documents. A larger stale
    export is served as it is (a marketplace would rather fetch yesterday's
    file than time out) with ``stale`` set, while the worker rebuilds it."""
    resolve(channel, locale, format_code)
    artifact = latest_export(channel, locale, format_code)
    if artifact is None or not artifact.file or not artifact.file.storage.exists(artifact.file.name):
        return Pull(build_export(channel, locale, format_code), stale=False)
    if not is_stale(artifact, channel, locale):
        return Pull(artifact, stale=False)
    if count_documents(channel, locale) <= pull_build_limit():
        return Pull(build_export(channel, locale, format_code), stale=False)
    request_export(channel, locale, format_code)
    # A rebuild may have finished meanwhile (inline backends, a fast worker).
    latest = latest_export(channel, locale, format_code) or artifact
    return Pull(latest, stale=is_stale(latest, channel, locale))


def stale_exports():
    """(channel, locale, format) of every export whose latest file is older
    than its channel's feed, on active channels, for locales they still publish."""
    from publishing.models import Channel

    scopes = (
        Artifact.objects.filter(kind=ARTIFACT_KIND, channel__is_active=True)
        .values_list("channel_id", "locale", "format").distinct().order_by()
    )
    scopes = list(scopes)
    channels = Channel.objects.prefetch_related("languages").in_bulk({channel_id for channel_id, *_rest in scopes})
    positions = {}
    found = []
    for channel_id, locale, format_code in sorted(scopes):
        channel = channels[channel_id]
        if locale not in channel.language_codes or get_format(format_code) is None:
            continue
        latest = latest_export(channel, locale, format_code)
        if (channel_id, locale) not in positions:
            positions[(channel_id, locale)] = last_seq(channel, locale)
        if positions[(channel_id, locale)] > int((latest.meta or {}).get("source_seq") or 0):
            found.append((channel, locale, format_code))
    return found


def rebuild_stale_exports():
    """Queue a rebuild of every stale export (a scheduler duty); returns
    ``{"queued": ["channel/locale/format", …]}``. An export already waiting
    for the worker is not queued twice."""
    queued = []
    for channel, locale, format_code in stale_exports():
        request_export(channel, locale, format_code)
        queued.append(f"{channel.code}/{locale}/{format_code}")
    return {"queued": queued}

"""Marketplace pull: ``GET /feeds/{channel}/{locale}/{format}`` with the channel token.

Serves the latest export of that channel, locale and format (made by the
worker or by ``export_channel``), built on demand when there is none. The
token goes in ``Authorization: Token …`` or ``?token=``; it sees only its own
channel. ETag is the export's content hash; If-None-Match answers 304.
``X-PIM-Export-Stale: 1`` marks a file older than the channel's feed, served
while the worker rebuilds it (``service.export_for_pull`` decides).
"""

from django.http import FileResponse, HttpResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from publishing.feed.auth import IsChannelToken, QueryTokenAuthentication
from publishing.feed.errors import ChannelInactive
from publishing.feed.serializers import ErrorSerializer
from publishing.feed.throttling import FeedRateThrottle

from .examples import examples_for
from .registry import FORMATS, get_format
from ..feed.auth import record_pull
from .service import ExportError, export_for_pull


class QueryTokenScheme(OpenApiAuthenticationExtension):
    """The pull's token parameter in the OpenAPI schema (the header works too)."""

    target_class = QueryTokenAuthentication
    name = "channelTokenQuery"
    priority = 1  # before the feed's header scheme, which matches subclasses

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "token",
            "description": str(_("The channel token as ?token=<token>; `Authorization: Token <token>` also works.")),
        }


def _matches(if_none_match, etag):
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    return any(
        candidate.strip() == "*" or candidate.strip().removeprefix("W/") == bare
        for candidate in if_none_match.split(",")
    )


class ExportFileView(APIView):
    authentication_classes = [QueryTokenAuthentication]
    permission_classes = [IsChannelToken]
    throttle_classes = [FeedRateThrottle]
    renderer_classes = [JSONRenderer]  # errors; files are returned as they are

    @extend_schema(
        operation_id="marketplace_feed_file",
        summary="Pull a marketplace export file",
        description=(
            "The latest export of the channel in one locale and format: `google-xml`, `google-tsv`, "
            "`meta-csv`, `local-inventory`, `csv` or `xlsx`. Send the channel token as "
            "`Authorization: Token <token>` or `?token=<token>`. Built on demand when none exists yet. "
            "`ETag` is the file's content hash; send it back as `If-None-Match` to get 304. "
            "`Last-Modified` is when the file was made. When products were published or withdrawn "
            "since, a small export is rebuilt before it is served; a large one is served as it is with "
            "`X-PIM-Export-Stale: 1` while the worker rebuilds it (fetch again later); a current file "
            "has `X-PIM-Export-Stale: 0`."
        ),
        tags=["Marketplace feeds"],
        parameters=[
            OpenApiParameter("channel", str, OpenApiParameter.PATH, description="Channel code."),
            OpenApiParameter("locale", str, OpenApiParameter.PATH, description="Language the channel publishes."),
            OpenApiParameter("export_format", str, OpenApiParameter.PATH, description="Export format.",
                             enum=["google-xml", "google-tsv", "meta-csv", "local-inventory", "csv", "xlsx"]),
            OpenApiParameter("token", str, OpenApiParameter.QUERY, required=False,
                             description="The channel token, for clients that cannot send headers."),
        ],
        responses={
            **{
                (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The export file.",
                                                   examples=examples_for(media_type))
                for media_type in sorted({fmt.content_type.split(";")[0] for fmt in FORMATS.values()})
            },
            304: OpenApiResponse(description="Not modified."),
            401: OpenApiResponse(ErrorSerializer, description="Missing, unknown or revoked token."),
            403: OpenApiResponse(ErrorSerializer, description="The token belongs to another channel, "
                                                              "or the channel is not active."),
            404: OpenApiResponse(ErrorSerializer, description="Unknown format, or a locale the channel "
                                                              "does not publish."),
            429: OpenApiResponse(ErrorSerializer, description="Rate limit exceeded; see `Retry-After`."),
        },
    )
    def get(self, request, channel, locale, export_format):
        # Not named "format": DRF reads that URL argument as a renderer suffix.
        token = request.auth
        channel_obj = token.channel
        if not channel_obj.is_active:
            raise ChannelInactive()
        try:
            pull = export_for_pull(channel_obj, locale, export_format)
        except ExportError as exc:
            raise NotFound(str(exc), code=exc.code) from None
        artifact = pull.artifact
        record_pull(token)
        etag = f'"{artifact.content_hash}"'
        fmt = get_format(export_format)
        filename = (artifact.meta or {}).get("filename") or f"{channel_obj.code}-{locale}.{fmt.extension}"
        if _matches(request.headers.get("If-None-Match"), etag):
            response = HttpResponse(status=304)
        else:
            try:
                handle = artifact.file.open("rb")
            except FileNotFoundError:
                raise NotFound(_("The export file is missing; try again shortly."), code="export_missing") from None
            response = FileResponse(handle, content_type=fmt.content_type, as_attachment=True, filename=filename)
            response["Content-Length"] = str(artifact.size_bytes)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(artifact.created_at.timestamp())
        response["X-PIM-Export-Stale"] = "1" if pull.stale else "0"
        # Marketplaces revalidate with the ETag on every fetch.
        response["Cache-Control"] = "private, no-cache"
        return response

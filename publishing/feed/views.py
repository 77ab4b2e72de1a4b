"""Feed endpoints: a channel's published documents, page by page, by cursor."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from . import pages
from .auth import ChannelTokenAuthentication, IsChannelToken, record_pull
from .errors import ChannelInactive, InvalidLimit, InvalidLocale
from .serializers import (
    DOCUMENT_EXAMPLES, PAGE_EXAMPLES, DocumentSerializer, ErrorSerializer, FeedPageSerializer, LocaleErrorSerializer,
    error_example,
)
from .throttling import FeedRateThrottle

SYNC_GUIDE = """
Keep an exact copy of a channel's published products in one locale.

**Full sync.** Request the feed without `since`. Each page holds up to `limit`
documents (default 100; larger values are clamped to 1000). While `has_more`
is true, request the next page with `since` set to the `next_cursor` you got.
When `has_more` is false, store that last `next_cursor`: your copy is complete
up to it. Pages after the first may already carry changes made while you were
paging, tombstones included (a tombstone of a product you do not have needs no
action).

**Deltas.** Later, request the feed with `since` = your stored cursor. You get
every product whose document changed after that cursor, each once, in its
latest state, in the order the changes were published. Replace your copy of
each `sku` with the result; a result with `"deleted": true` (a tombstone) means
the product was withdrawn from the channel or deleted: remove it. Page on while
`has_more` is true and store the last `next_cursor`. An empty page returns the
cursor you sent. A change is never skipped, even when publishes commit out of
order: sequence numbers are handed out only to committed changes, in order.

**Cursors** are opaque, signed and valid only for the channel and locale they
were issued for; an altered or foreign cursor answers 400 `invalid_cursor`.
Tombstones are kept at least 30 days: a cursor older than the kept history
answers 410 `cursor_expired`, and you must do a full sync again.

**Caching.** Every answer has an `ETag`; send it back as `If-None-Match` to get
304 when nothing changed. Send `Accept-Encoding: gzip` for compressed answers.

**Rate limit.** Requests are limited per token (600 per minute unless the
channel sets its own); over the limit the answer is 429 with `Retry-After`
(seconds).

**Errors** are JSON: `{"detail": "human message", "code": "machine_code"}`.

**Webhooks.** A channel may register an https endpoint. Each publish and
unpublish is then POSTed to it as JSON `{"event": "published"|"unpublished",
"channel", "locale", "sku", "cursor", "occurred_at"}` with the headers
`X-PIM-Timestamp` (Unix seconds) and `X-PIM-Signature: sha256=<hex>`, the
HMAC-SHA256 of `"<timestamp>.<raw body>"` keyed with the channel's webhook
secret. Verify the signature and reject timestamps older than 5 minutes. Any
2xx answer acknowledges; other answers are retried with exponential backoff.
A webhook is a nudge: fetch the changes with a delta from your stored cursor
(`cursor` in the event is the feed position of that change).
"""

CHANNEL = OpenApiParameter("channel", str, OpenApiParameter.PATH, description="Channel code, e.g. `web`.")
LOCALE = OpenApiParameter(
    "locale", str, OpenApiParameter.QUERY, required=True,
    description="Language code the channel publishes, e.g. `fi`. An unknown one answers 400 listing the valid ones.",
)
SINCE = OpenApiParameter(
    "since", str, OpenApiParameter.QUERY, required=False,
    description="A `next_cursor` from an earlier answer. Absent: full sync (current state, no tombstones).",
)
LIMIT = OpenApiParameter(
    "limit", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
    description="Page size, default 100. Values above 1000 are clamped to 1000; zero, negative or "
                "non-numeric values answer 400 `invalid_limit`.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False,
    description="The `ETag` of an earlier answer to the same request; 304 when unchanged.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=["200", "304"], description="Identifies this answer's content.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=["429"],
    description="Seconds to wait before the next request.",
)

COMMON_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Missing, unknown or revoked token.", examples=[
        error_example("Missing token", 401, "Send the channel token in the header 'Authorization: Token <token>'.",
                      "not_authenticated"),
        error_example("Revoked token", 401, "This token has been revoked.", "token_revoked"),
    ]),
    403: OpenApiResponse(ErrorSerializer, description="The token belongs to another channel, or the channel "
                                                       "is not active.", examples=[
        error_example("Other channel", 403, "This token belongs to another channel.", "wrong_channel"),
        error_example("Inactive channel", 403, "This channel is not active.", "channel_inactive"),
    ]),
    429: OpenApiResponse(ErrorSerializer, description="Rate limit exceeded; see `Retry-After`.", examples=[
        error_example("Throttled", 429, "Request was throttled. Expected available in 12 seconds.", "throttled"),
    ]),
}
LOCALE_ERROR = error_example(
    "Unknown locale", 400, "Unknown locale 'de'. This channel publishes: en, fi.", "invalid_locale",
    valid_locales=["en", "fi"],
)


def parse_limit(value):
    default = getattr(settings, "PIM_FEED_DEFAULT_LIMIT", 100)
    maximum = getattr(settings, "PIM_FEED_MAX_LIMIT", 1000)
    if value in (None, ""):
        return default
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 1:
        raise InvalidLimit(
            _("limit must be a whole number of at least 1 (larger than %(max)d serves %(max)d).") % {"max": maximum}
        )
    return min(limit, maximum)


def _matches(if_none_match, etag):
    """Weak comparison (RFC 9110): gzip turns our ETag into W/"…"."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


def json_response(request, body, etag):
    if _matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    # Clients keep copies and revalidate with the ETag every time.
    response["Cache-Control"] = "private, no-cache"
    return response


class FeedView(APIView):
    authentication_classes = [ChannelTokenAuthentication]
    permission_classes = [IsChannelToken]
    throttle_classes = [FeedRateThrottle]
    renderer_classes = [JSONRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # Only pulls that were served (200 or 304) count as feed activity.
        if response.status_code < 400 and request.auth is not None:
            record_pull(request.auth)
        return super().finalize_response(request, response, *args, **kwargs)

    def channel_and_locale(self, request):
        channel = request.auth.channel
        if not channel.is_active:
            raise ChannelInactive()
        valid = channel.language_codes
        locale = request.query_params.get("locale")
        if not locale:
            raise InvalidLocale(
                _("The locale parameter is required. This channel publishes: %(valid)s.")
                % {"valid": ", ".join(valid)}, code="invalid_locale", valid_locales=valid,
            )
        if locale not in valid:
            raise InvalidLocale(
                _("Unknown locale '%(locale)s'. This channel publishes: %(valid)s.")
                % {"locale": locale, "valid": ", ".join(valid)}, code="invalid_locale", valid_locales=valid,
            )
        return channel, locale


class ChannelProductsView(FeedView):
    @extend_schema(
        operation_id="channel_products_list",
        summary="Sync a channel's products (full sync and deltas by cursor)",
        description=SYNC_GUIDE.strip(),
        tags=["Channel feed"],
        parameters=[CHANNEL, LOCALE, SINCE, LIMIT, IF_NONE_MATCH, ETAG_HEADER, RETRY_AFTER],
        responses={
            200: OpenApiResponse(FeedPageSerializer, description="A page of documents and tombstones.",
                                 examples=PAGE_EXAMPLES),
            304: OpenApiResponse(description="Not modified (the `If-None-Match` ETag still matches)."),
            400: OpenApiResponse(LocaleErrorSerializer, description=(
                "Invalid request: unknown or missing locale (the answer lists `valid_locales`), "
                "a malformed or foreign cursor, or a bad limit."), examples=[
                LOCALE_ERROR,
                error_example("Malformed cursor", 400, "The cursor is malformed, was altered, or belongs to "
                              "another channel or locale. Send a next_cursor exactly as the feed returned it.",
                              "invalid_cursor"),
                error_example("Bad limit", 400,
                              "limit must be a whole number of at least 1 (larger than 1000 serves 1000).",
                              "invalid_limit"),
            ]),
            410: OpenApiResponse(ErrorSerializer, description="The cursor is older than the kept history.",
                                 examples=[error_example(
                                     "Expired cursor", 410,
                                     "This cursor is older than the kept history of deletions; do a full sync "
                                     "(request the feed without since) and store its last next_cursor.",
                                     "cursor_expired")]),
            **COMMON_ERRORS,
        },
    )
    def get(self, request, channel):
        channel, locale = self.channel_and_locale(request)
        limit = parse_limit(request.query_params.get("limit"))
        page = pages.feed_page(channel.pk, locale, since=request.query_params.get("since") or None, limit=limit)
        return json_response(request, page.body, page.etag)


class ChannelProductView(FeedView):
    @extend_schema(
        operation_id="channel_products_retrieve",
        summary="One published product document",
        description="The current document of one product in one locale, as the feed serves it. "
                    "Unknown, unpublished and deleted products answer 404.",
        tags=["Channel feed"],
        parameters=[
            CHANNEL, OpenApiParameter("sku", str, OpenApiParameter.PATH, description="Product SKU."),
            LOCALE, IF_NONE_MATCH, ETAG_HEADER, RETRY_AFTER,
        ],
        responses={
            200: OpenApiResponse(DocumentSerializer, description="The document, as the feed serves it.",
                                 examples=DOCUMENT_EXAMPLES),
            304: OpenApiResponse(description="Not modified."),
            400: OpenApiResponse(LocaleErrorSerializer, description="Unknown or missing locale.",
                                 examples=[LOCALE_ERROR]),
            404: OpenApiResponse(ErrorSerializer, description="Not published on this channel in this locale.",
                                 examples=[error_example("Not found", 404, "No published product with this SKU.",
                                                         "not_found")]),
            **COMMON_ERRORS,
        },
    )
    def get(self, request, channel, sku):
        channel, locale = self.channel_and_locale(request)
        body = pages.document_body(channel.pk, locale, sku)
        if body is None:
            raise NotFound(_("No published product with this SKU."))
        return json_response(request, body, pages.etag_of(body))

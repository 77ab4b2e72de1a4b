"""Feed errors as DRF exceptions; pim.api_errors renders them as {"detail", "code"}."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException


class FeedError(APIException):
    """An error with a machine code and optional extra JSON fields."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = _("Invalid request.")

    def __init__(self, detail=None, code=None, **extra):
        super().__init__(detail, code)
        self.extra = extra


class InvalidCursorError(FeedError):
    default_code = "invalid_cursor"
    default_detail = _("The cursor is malformed, was altered, or belongs to another channel or locale. "
                       "Send a next_cursor exactly as the feed returned it.")


class CursorExpired(FeedError):
    status_code = status.HTTP_410_GONE
    default_code = "cursor_expired"
    default_detail = _("This cursor is older than the kept history of deletions; "
                       "do a full sync (request the feed without since) and store its last next_cursor.")


class InvalidLocale(FeedError):
    default_code = "invalid_locale"


class InvalidLimit(FeedError):
    default_code = "invalid_limit"


class ChannelInactive(FeedError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "channel_inactive"
    default_detail = _("This channel is not active.")

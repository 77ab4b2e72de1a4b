"""Channel token authentication and the permission that scopes a token to its channel.

Clients send ``Authorization: Token <token>``; marketplace pulls may pass
``?token=<token>`` instead (enabled per view with ``allow_query_token``).
Tokens are stored hashed (publishing.models.tokens); a revoked token answers
401 like an unknown one, with its own code.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from publishing.models import ChannelToken, FeedPullDay
from publishing.models.tokens import hash_token

KEYWORD = "Token"
# last_used_at is informative: writing it on every request would turn each
# feed read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class ChannelClient:
    """The authenticated party of a feed request: a channel integration."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, token):
        self.token = token
        self.channel = token.channel

    def __str__(self):
        return f"channel:{self.channel.code}"

    def has_perm(self, perm, obj=None):
        return False


class TokenRevoked(exceptions.AuthenticationFailed):
    default_code = "token_revoked"
    default_detail = _("This token has been revoked.")


def raw_token_from(request, allow_query_token=False):
    header = get_authorization_header(request).split()
    if header:
        if header[0].decode("latin-1").lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: send 'Token <token>'."), code="invalid_token",
            )
        return header[1].decode("latin-1")
    if allow_query_token:
        return request.query_params.get("token") or None
    return None


def find_token(raw):
    """The token row for a raw value (revoked ones included), or None."""
    return (
        ChannelToken.objects.select_related("channel").prefetch_related("channel__languages")
        .filter(key_hash=hash_token(raw)).first()
    )


def touch(token, now=None):
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ChannelToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def record_pull(token, now=None):
    """Count one served pull for the token today (the dashboard's feed activity).

    One UPDATE per request; the first pull of a day inserts the row instead
    (a concurrent first pull loses the insert race and updates).
    """
    now = now or timezone.now()
    rows = FeedPullDay.objects.filter(token=token, day=timezone.localdate(now))
    if rows.update(pulls=F("pulls") + 1, last_pull_at=now):
        return
    try:
        with transaction.atomic():
            FeedPullDay.objects.create(token=token, day=timezone.localdate(now), pulls=1, last_pull_at=now)
    except IntegrityError:
        rows.update(pulls=F("pulls") + 1, last_pull_at=now)


class ChannelTokenAuthentication(BaseAuthentication):
    allow_query_token = False

    def authenticate(self, request):
        raw = raw_token_from(request, self.allow_query_token)
        if raw is None:
            return None
        token = find_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown token."), code="invalid_token")
        if token.revoked_at is not None:
            raise TokenRevoked()
        touch(token)
        return ChannelClient(token), token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when the token is missing.
        return KEYWORD


class QueryTokenAuthentication(ChannelTokenAuthentication):
    """Also accepts ``?token=`` (marketplaces that cannot send headers)."""

    allow_query_token = True


class IsChannelToken(BasePermission):
    """The request carries a token of the channel named in the URL."""

    message = _("This token belongs to another channel.")
    code = "wrong_channel"

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ChannelToken):
            raise exceptions.NotAuthenticated(
                _("Send the channel token in the header 'Authorization: Token <token>'."),
                code="not_authenticated",
            )
        return token.channel.code == view.kwargs.get("channel")


class ChannelTokenScheme(OpenApiAuthenticationExtension):
    target_class = ChannelTokenAuthentication
    name = "channelToken"
    match_subclasses = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(_(
                "A channel token, sent as `Authorization: Token <token>`. Tokens are created by "
                "an administrator (admin or `manage.py create_channel_token CHANNEL`), shown once, "
                "scoped to one channel and revocable."
            )),
        }

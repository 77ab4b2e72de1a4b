"""Per-token rate limit of the feed: the channel's own rate or PIM_FEED_RATE."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from publishing.models import ChannelToken


class FeedRateThrottle(SimpleRateThrottle):
    """Counts requests per token in the default cache. With the default
    ``PIM_CACHE_URL=locmem://`` each process counts alone (the limit then
    multiplies by the number of web workers); a shared cache (``redis://…``,
    ``db://…``) makes it one limit for every worker and host."""

    scope = "feed"

    def __init__(self):
        # The rate depends on the request's channel: parsed in allow_request.
        pass

    def rate_for(self, token):
        default = getattr(settings, "PIM_FEED_RATE", "600/min")
        custom = (token.channel.rate_limit or "").strip()
        if custom:
            try:
                self.parse_rate(custom)
                return custom
            except (ValueError, KeyError, IndexError):
                pass  # a typo in the admin must not switch the limit off
        return default

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ChannelToken):
            return True
        self.rate = self.rate_for(token)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

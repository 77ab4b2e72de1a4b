"""``create_channel_token CHANNEL``: issue a feed token; the raw token is the last line."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from publishing.models import ChannelToken

from ._channels import channel_by_code


class Command(BaseCommand):
    help = _("Create an API token for a channel's feed and print it (it is shown only once).")

    def add_arguments(self, parser):
        parser.add_argument("channel", metavar="CHANNEL", help=_("Channel code."))
        parser.add_argument("--name", default="", help=_("A name to recognise the token by, e.g. the client."))

    def handle(self, *args, channel, name, **options):
        channel = channel_by_code(channel)
        token, raw = ChannelToken.issue(channel, name=name)
        self.stdout.write(_(
            "Token %(prefix)s… for channel %(channel)s. Store it now: it is not shown again. "
            "Send it as 'Authorization: Token <token>'."
        ) % {"prefix": token.prefix, "channel": channel.code})
        # Alone on the last line, so scripts can take it with `tail -1`.
        self.stdout.write(raw)

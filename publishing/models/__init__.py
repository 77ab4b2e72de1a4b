"""The publishing core: channels, publications, snapshots, tokens, jobs."""

from .campaigns import Brochure, BrochureItem, QrScan, ShortLink
from .channels import Channel, ChannelLanguage, ChannelSequence, TextOverride
from .jobs import Artifact, Job
from .page_paths import RetiredSlug
from .publications import Completeness, Publication
from .snapshots import DocumentEncoder, EncodedOnce, ProductSnapshot
from .tokens import ChannelToken, FeedPullDay
from .webhooks import WebhookDelivery

__all__ = [
    "Artifact", "Brochure", "BrochureItem", "Channel", "ChannelLanguage", "ChannelSequence", "ChannelToken",
    "Completeness", "DocumentEncoder", "EncodedOnce", "FeedPullDay", "Job", "ProductSnapshot", "Publication",
    "QrScan", "RetiredSlug", "ShortLink", "TextOverride", "WebhookDelivery",
]

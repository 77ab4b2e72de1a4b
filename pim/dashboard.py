"""Figures of the hub dashboard on the admin home, each from a constant number of queries.

Plain functions returning plain data: the admin index template shows them,
tests compare them with the database, and any other view may reuse them.
"""

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, Sum
from django.utils import timezone

from catalog.models import Product
from publishing.models import Brochure, Channel, ChannelToken, Completeness, Job, ProductSnapshot, QrScan

RECENT = 10


def _languages():
    return list(settings.LANGUAGE_CODES)


def heat_level(score):
    """0–10: the colour step of a heat-map cell (None: the channel has no such language)."""
    if score is None:
        return None
    return max(0, min(10, int(score // 10)))


def active_channels():
    return list(Channel.objects.filter(is_active=True).prefetch_related("languages").order_by("code"))


def completeness_heat_map(channels=None):
    """Channel × language: average completeness score, products counted, products complete.

    {"languages": [...], "rows": [{"channel", "cells": [{"language", "average", "products",
    "complete", "level"} or {"language", "average": None, ...}]}]}
    """
    channels = active_channels() if channels is None else channels
    languages = _languages()
    figures = {
        (row["channel_id"], row["language_code"]): row
        for row in Completeness.objects.filter(channel__in=[c.pk for c in channels])
        .values("channel_id", "language_code")
        .annotate(average=Avg("score"), products=Count("id"), complete=Count("id", filter=Q(score__gte=100)))
    }
    rows = []
    for channel in channels:
        served = set(channel.language_codes)
        cells = []
        for lang in languages:
            row = figures.get((channel.pk, lang))
            average = round(float(row["average"]), 1) if row and row["average"] is not None else None
            cells.append({
                "language": lang,
                "served": lang in served,
                "average": average,
                "products": row["products"] if row else 0,
                "complete": row["complete"] if row else 0,
                "level": heat_level(average),
            })
        rows.append({"channel": channel, "cells": cells})
    return {"languages": languages, "rows": rows}


def waiting_for_review(limit=RECENT):
    """Products in review: their number and the longest-waiting ones first."""
    queryset = Product.objects.filter(review_state=Product.ReviewState.IN_REVIEW)
    products = list(queryset.prefetch_related("translations").order_by("updated_at", "pk")[:limit])
    return {"count": queryset.count(), "products": products}


def recently_published(limit=RECENT):
    """The latest published (non-deleted, sequenced) snapshots across channels and languages."""
    return list(
        ProductSnapshot.objects.filter(deleted=False, seq__isnull=False)
        .order_by("-updated_at", "-pk")
        .values("sku", "locale", "updated_at", "channel__code", "document__name")[:limit]
    )


def failed_jobs(limit=RECENT):
    queryset = Job.objects.filter(status=Job.Status.FAILED)
    jobs = list(queryset.order_by("-finished_at", "-created_at", "-pk")
                .only("pk", "kind", "error", "created_at", "finished_at", "attempts")[:limit])
    return {"count": queryset.count(), "jobs": jobs}


def feed_activity(channels=None, today=None):
    """Per channel: its tokens with pulls today and last pull, plus the channel totals.

    Pulls of the REST feed and the marketplace files are counted per token and
    day in FeedPullDay.
    """
    channels = active_channels() if channels is None else channels
    today = today or timezone.localdate()
    tokens = (
        ChannelToken.objects.filter(channel__in=[c.pk for c in channels])
        .annotate(pulls_today=Sum("pull_days__pulls", filter=Q(pull_days__day=today)),
                  last_pull=Max("pull_days__last_pull_at"))
        .order_by("channel_id", "created_at", "pk")
    )
    by_channel = {}
    for token in tokens:
        token.pulls_today = token.pulls_today or 0
        by_channel.setdefault(token.channel_id, []).append(token)
    rows = []
    for channel in channels:
        channel_tokens = by_channel.get(channel.pk, [])
        pulls = [t.last_pull for t in channel_tokens if t.last_pull]
        rows.append({
            "channel": channel,
            "tokens": channel_tokens,
            "pulls_today": sum(t.pulls_today for t in channel_tokens),
            "last_pull": max(pulls) if pulls else None,
        })
    return rows


def qr_scans():
    """Scans per brochure and language (bots are not recorded by the landing).

    {"languages": [...], "rows": [{"brochure" (None once deleted), "total", "cells": [{"language", "scans"}]}]}
    """
    languages = _languages()
    counts = {}
    for row in QrScan.objects.values("brochure_id", "language_code").annotate(scans=Count("id")):
        counts.setdefault(row["brochure_id"], {})[row["language_code"]] = row["scans"]
    brochures = {b.pk: b for b in Brochure.objects.filter(pk__in=[k for k in counts if k is not None])
                 .prefetch_related("translations")}
    rows = []
    for brochure_id, per_language in counts.items():
        rows.append({
            "brochure": brochures.get(brochure_id),
            "total": sum(per_language.values()),
            "cells": [{"language": lang, "scans": per_language.get(lang, 0)} for lang in languages],
        })
    rows.sort(key=lambda row: (-row["total"], row["brochure"].code if row["brochure"] else "~"))
    peak = max((cell["scans"] for row in rows for cell in row["cells"]), default=0)
    for row in rows:
        for cell in row["cells"]:
            cell["share"] = round(100 * cell["scans"] / peak) if peak else 0
    return {"languages": languages, "rows": rows}


def dashboard():
    """Everything the admin home shows."""
    channels = active_channels()
    return {
        "heat_map": completeness_heat_map(channels),
        "review": waiting_for_review(),
        "published": recently_published(),
        "failed": failed_jobs(),
        "feeds": feed_activity(channels),
        "scans": qr_scans(),
    }

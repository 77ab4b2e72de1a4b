"""Page address history: which slug a product's page had before a republish renamed it.

The publishing engine calls ``record_renames`` just before it rewrites a
batch of snapshots. A snapshot whose page URL changes leaves its old slug
behind as a RetiredSlug with the product's SKU; the web channel answers that
old address with a 301 to the product's current page. A slug that a written
page uses again is dropped from the history: a live page always wins.
"""

from functools import reduce
from operator import or_
from urllib.parse import unquote, urlsplit

from django.db.models import Q

from .models import ProductSnapshot, RetiredSlug


def slug_from_url(url):
    """The slug of a page URL (its last path segment, percent-decoded)."""
    if not url:
        return ""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def record_renames(channel_id, new_snapshots, changed_snapshots, now):
    """Keep the old slugs of ``changed_snapshots`` whose URL their new document changes.

    Runs inside the batch's transaction before the rows are rewritten, so the
    old URLs are read from the database in one query; a tombstone (no URL on
    either side) is a withdrawal, not a rename.
    """
    written = [snap for snap in [*new_snapshots, *changed_snapshots] if not snap.deleted]
    if not written:
        return
    old_urls = dict(
        ProductSnapshot.objects.filter(pk__in=[snap.pk for snap in written if snap.pk], deleted=False)
        .values_list("pk", "document__url")
    )
    retired, in_use = {}, {}
    for snap in written:
        new_slug = slug_from_url(snap.document.get("url"))
        old_slug = slug_from_url(old_urls.get(snap.pk))
        if new_slug:
            in_use.setdefault(snap.locale, set()).add(new_slug)
        if old_slug and new_slug and old_slug != new_slug:
            retired[(snap.locale, old_slug)] = snap.sku
    for locale, slugs in in_use.items():
        for slug in slugs:
            retired.pop((locale, slug), None)  # two pages swapped slugs in one batch
    if in_use:
        reclaimed = reduce(or_, (Q(locale=locale, slug__in=slugs) for locale, slugs in in_use.items()))
        RetiredSlug.objects.filter(reclaimed, channel_id=channel_id).delete()
    if retired:
        RetiredSlug.objects.bulk_create(
            [RetiredSlug(channel_id=channel_id, locale=locale, slug=slug, sku=sku, retired_at=now)
             for (locale, slug), sku in retired.items()],
            update_conflicts=True, unique_fields=["channel", "locale", "slug"], update_fields=["sku", "retired_at"],
        )


def retired_sku(channel, locale, slug):
    """The SKU whose page in ``locale`` was last at ``slug``, or None."""
    return (
        RetiredSlug.objects.filter(channel=channel, locale=locale, slug=slug)
        .values_list("sku", flat=True).first()
    )

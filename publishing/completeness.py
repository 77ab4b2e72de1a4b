"""Completeness per product × channel × language: a score and what is missing.

A language is checked for: name, short description, description, at least
one image, a price in the channel's price list (when it has one), the
attributes the product's family requires and those the channel requires.
Whether the fallback language may fill a gap is the channel language's
``fallback_allowed``. Missing items are named ``name``, ``short_description``,
``description``, ``images``, ``price`` and ``attr:CODE``.

``assess()`` works on one prefetched product (milliseconds);
``refresh_completeness()`` stores the result in Completeness rows for a few
products (after an edit) or the whole catalog (a background job), writing
only rows that changed.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Attribute, AttributeOption, AttributeValue, FamilyAttribute, Price, Product, ProductImage
from pim import bulk_sql

from .documents import allows_fallback, channel_context, fallback_languages, rows_of, translated
from .models import Channel, Completeness
from .querysets import assortment, assortment_ids

TEXT_REQUIREMENTS = ("name", "short_description", "description")
BATCH_SIZE = 500


def completeness_queryset(price_list_ids=None):
    """Products with just what ``assess()`` reads, in a constant number of queries."""
    prices = Price.objects.only("id", "product_id", "variant_id", "price_list_id")
    if price_list_ids is not None:
        prices = prices.filter(price_list_id__in=[pk for pk in price_list_ids if pk])
    return Product.objects.select_related("family").prefetch_related(
        "translations",
        Prefetch("images", queryset=ProductImage.objects.only("id", "product_id", "variant_id")),
        Prefetch("prices", queryset=prices),
        Prefetch(
            "attribute_values",
            queryset=AttributeValue.objects.select_related("attribute", "option").prefetch_related(
                Prefetch("options", queryset=AttributeOption.objects.only("id", "code", "attribute_id")),
            ),
        ),
        Prefetch("family__family_attributes", queryset=FamilyAttribute.objects.select_related("attribute")),
    )


def required_attributes(product, ctx):
    """The family's required attributes followed by the channel's, once each."""
    seen, result = set(), []
    links = rows_of(product.family, "family_attributes") if product.family_id else []
    for attribute in [link.attribute for link in links if link.required] + list(ctx.required_attributes):
        if attribute.pk not in seen:
            seen.add(attribute.pk)
            result.append(attribute)
    return result


def _is_empty(value):
    """AttributeValue.is_empty() reading the options the loading plan attached."""
    if value.attribute.type == Attribute.Type.MULTI_SELECT:
        return not rows_of(value, "options")
    return value.is_empty()


def assess(product, channel, locale):
    """(score 0-100, [missing item names]) of a prefetched product."""
    ctx = channel_context(channel)
    fallbacks = fallback_languages(locale) if allows_fallback(ctx, locale) else []
    checks = []
    for field in TEXT_REQUIREMENTS:
        value, _from_fallback = translated(product, field, locale, fallbacks)
        checks.append((field, bool(value)))
    checks.append(("images", bool(rows_of(product, "images"))))
    if ctx.price_list_id:
        checks.append(("price", any(p.price_list_id == ctx.price_list_id for p in rows_of(product, "prices"))))
    values = {(v.attribute_id, v.language_code): v for v in rows_of(product, "attribute_values")}
    for attribute in required_attributes(product, ctx):
        languages = [locale, *fallbacks] if attribute.localizable else [""]
        present = False
        for language in languages:
            value = values.get((attribute.pk, language))
            if value is not None and not _is_empty(value):
                present = True
                break
        checks.append((f"attr:{attribute.code}", present))
    missing = [name for name, ok in checks if not ok]
    score = int(100 * (len(checks) - len(missing)) // len(checks)) if checks else 100
    return score, missing


def assess_channel(product, channel):
    """{locale: (score, missing)} for every language of the channel."""
    return {locale: assess(product, channel, locale) for locale in channel_context(channel).languages}


def describe_missing(missing, language=None):
    """Human words for missing item names (admin messages, refusals)."""
    from django.utils import translation

    labels = {
        "name": _("name"),
        "short_description": _("short description"),
        "description": _("description"),
        "images": _("images"),
        "price": _("price in the channel's price list"),
    }
    with translation.override(language) if language else _null():
        words = []
        for item in missing:
            if item.startswith("attr:"):
                words.append(_("attribute %(code)s") % {"code": item[5:]})
            else:
                words.append(str(labels.get(item, item)))
        return ", ".join(words)


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def store(channel, assessments):
    """Upsert Completeness rows from {product_id: {locale: (score, missing)}},
    writing only rows that changed; rows of languages the channel no longer
    has are removed."""
    if not assessments:
        return 0
    product_ids = list(assessments)
    existing = {
        (row["product_id"], row["language_code"]): (row["score"], row["missing"], row["id"])
        for row in Completeness.objects.filter(channel_id=channel.pk, product_id__in=product_ids)
        .values("id", "product_id", "language_code", "score", "missing")
    }
    now = timezone.now()
    changed, keep = [], set()
    for product_id, per_locale in assessments.items():
        for locale, (score, missing) in per_locale.items():
            keep.add((product_id, locale))
            old = existing.get((product_id, locale))
            if old is not None and old[0] == score and old[1] == missing:
                continue
            changed.append((product_id, channel.pk, locale, score, missing, now))
    stale = [row_id for key, (_s, _m, row_id) in existing.items() if key not in keep]
    if stale:
        Completeness.objects.filter(pk__in=stale).delete()
    # an upsert: a concurrent publish of the same product may have written the row meanwhile
    return bulk_sql.insert_rows(Completeness, ["product", "channel", "language_code", "score", "missing",
                                               "computed_at"], changed,
                                unique=["product", "channel", "language_code"],
                                update=["score", "missing", "computed_at"])


def _channels(channel):
    if channel is None:
        return list(Channel.objects.filter(is_active=True).select_related("price_list"))
    if isinstance(channel, Channel):
        return [channel]
    if isinstance(channel, int):
        return [Channel.objects.select_related("price_list").get(pk=channel)]
    return [Channel.objects.select_related("price_list").get(code=channel)]


def _product_ids(products):
    if products is None:
        return None
    ids = []
    for item in products:
        ids.append(item.pk if isinstance(item, Product) else int(item))
    return ids


def refresh_completeness(channel=None, products=None, progress=None, republish=False):
    """Recompute and store completeness for ``channel`` (Channel, id or code;
    default every active channel) and ``products`` (instances or ids; default
    the whole assortment). Products that left a channel's assortment lose
    their rows there. ``progress(done, total)`` is called after each batch.
    With ``republish`` (after a change of requirements or channel settings)
    published products are then reconciled too (``services.publish_due``).
    Returns {"channels": n, "products": n, "rows_written": n}."""
    channels = _channels(channel)
    wanted = _product_ids(products)
    plans = []
    for ch in channels:
        ids = assortment_ids(ch, wanted)
        outside = Completeness.objects.filter(channel_id=ch.pk)
        if wanted is not None:
            outside = outside.filter(product_id__in=wanted)
        outside.exclude(product_id__in=assortment(ch).values("pk")).delete()
        plans.append((ch, ids))
    all_ids = sorted(set().union(*[ids for _ch, ids in plans])) if plans else []
    total, done, written = len(all_ids), 0, 0
    price_lists = {ch.price_list_id for ch in channels}
    for start in range(0, total, BATCH_SIZE):
        batch = all_ids[start:start + BATCH_SIZE]
        loaded = list(completeness_queryset(price_lists).filter(pk__in=batch))
        with transaction.atomic():
            for ch, ids in plans:
                assessments = {p.pk: assess_channel(p, ch) for p in loaded if p.pk in ids}
                written += store(ch, assessments)
        done += len(batch)
        if progress:
            progress(done, total)
    result = {"channels": len(channels), "products": total, "rows_written": written}
    if republish:
        from .services import publish_due

        result["published"] = publish_due(channels)
    return result

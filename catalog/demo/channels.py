"""The demo channels (web, app, print, google-fi) and the ``demo`` brochure."""

from publishing.models import Brochure, BrochureItem, Channel, ChannelLanguage

from . import vocabulary as V


def ensure_channels(ref):
    """Create (or find) the four demo channels; returns {code: Channel}."""
    retail = ref.price_lists["retail-eur"]
    channels = {}
    for code, name, kind, languages, fallback, feed_label in V.CHANNELS:
        channel = Channel.objects.filter(code=code).first()
        if channel is None:
            channel = Channel.objects.create(
                code=code, name=name, kind=kind, currency="EUR", price_list=retail, feed_label=feed_label,
                requires_complete=True,
            )
            ChannelLanguage.objects.bulk_create([
                # The default language has nothing to fall back to; others follow the channel.
                ChannelLanguage(channel=channel, language_code=lang, position=position,
                                fallback_allowed=fallback or lang == "en")
                for position, lang in enumerate(languages)
            ])
        channels[code] = Channel.objects.select_related("price_list").get(pk=channel.pk)
    return channels


def ensure_brochure(channel, product_ids):
    """The ``demo`` brochure on ``channel`` with ``product_ids`` in order (kept
    as it is when it exists already); returns it."""
    brochure = Brochure.objects.filter(code=V.BROCHURE_CODE).first()
    if brochure is not None:
        return brochure
    brochure = Brochure(
        code=V.BROCHURE_CODE, channel=channel, languages=list(V.LANGUAGES), promo_code=V.BROCHURE_PROMO,
        page_size=Brochure.PageSize.A4, primary_color="#1b5e20", primary_cmyk="80,20,100,30",
        accent_color="#f2a900", accent_cmyk="0,30,100,5",
    )
    for lang in V.LANGUAGES:
        brochure.set_current_language(lang)
        brochure.title = V.BROCHURE_TITLE[lang]
        brochure.banner = V.BROCHURE_BANNER[lang]
    brochure.save()
    BrochureItem.objects.bulk_create([
        BrochureItem(brochure=brochure, product_id=pk, position=position)
        for position, pk in enumerate(product_ids)
    ])
    return brochure

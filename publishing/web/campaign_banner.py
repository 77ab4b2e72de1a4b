"""The campaign banner a QR landing shows: the brochure's text, promo code, colours and type.

It is driven by the landing URL's own query (``utm_medium=qr`` and
``utm_campaign=<brochure code>``), never by a cookie or session, so the plain
product page stays one cacheable representation for everyone and the banner
page is simply another URL.
"""

from urllib.parse import urlencode

from django.utils import timezone

from publishing.models import Brochure

FONT_STACKS = {
    Brochure.Typeface.SANS: '"Noto Sans", "DejaVu Sans", Arial, sans-serif',
    Brochure.Typeface.SERIF: '"Noto Serif", "DejaVu Serif", Georgia, serif',
}


def campaign_code(params):
    """The brochure code a request's campaign tags name, or None."""
    if params.get("utm_medium") != "qr":
        return None
    code = (params.get("utm_campaign") or "").strip()
    return code if code and len(code) <= 64 else None


def is_running(brochure, today=None):
    today = today or timezone.localdate()
    if brochure.valid_from and brochure.valid_from > today:
        return False
    return not (brochure.valid_until and brochure.valid_until < today)


def banner_for(params, lang):
    """The banner for the campaign named in ``params`` in language ``lang``, or None.

    None when the tags are missing, name no brochure, or the brochure is not
    running (its promo code would no longer be honoured).
    """
    code = campaign_code(params)
    if code is None:
        return None
    brochure = Brochure.objects.prefetch_related("translations").filter(code=code).first()
    if brochure is None or not is_running(brochure):
        return None
    text = (
        brochure.safe_translation_getter("banner", language_code=lang)
        or brochure.safe_translation_getter("title", language_code=lang)
        or brochure.safe_translation_getter("banner", any_language=True)
        or ""
    )
    return {
        "code": brochure.code,
        "text": text,
        "promo_code": brochure.promo_code,
        "primary_color": brochure.primary_color,
        "accent_color": brochure.accent_color,
        "typeface": brochure.typeface,
        "font_stack": FONT_STACKS.get(brochure.typeface, FONT_STACKS[Brochure.Typeface.SANS]),
        # Part of the page's ETag: restyling the brochure changes the page.
        "version": int(brochure.updated_at.timestamp()),
        "query": urlencode({key: params.get(key) for key in ("utm_source", "utm_medium", "utm_campaign")
                            if params.get(key)}),
    }

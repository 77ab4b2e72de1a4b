"""The campaign banner a QR landing shows: the brochure's text, promo code, colours and type.

It is driven by the landing URL's own query (``utm_medium=qr`` and
``utm_campaign=<brochure code>``), never by a cookie or session, so the plain
product page stays one cacheable representation for everyone and the banner
page is simply another URL. The site's Content-Security-Policy allows only
stylesheet files, so each brochure's colours and typeface come as a small
stylesheet of their own (``/campaign/{code}.css``), versioned by the
brochure's last change.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.utils import timezone

from publishing.models import Brochure

from . import conditional

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


STYLESHEET = """.campaign-banner {{
  --campaign-primary: {primary};
  --campaign-accent: {accent};
  --campaign-font: {font};
}}
"""


def stylesheet(request, code):
    """The brochure's colours and typeface as CSS custom properties for the banner."""
    brochure = Brochure.objects.filter(code=code).only("code", "primary_color", "accent_color", "typeface",
                                                       "updated_at").first()
    if brochure is None:
        raise Http404(code)
    def render_css():
        # Colours are validated as #RRGGBB on save; the font stack is ours.
        css = STYLESHEET.format(
            primary=brochure.primary_color, accent=brochure.accent_color,
            font=FONT_STACKS.get(brochure.typeface, FONT_STACKS[Brochure.Typeface.SANS]),
        )
        return HttpResponse(css, content_type="text/css; charset=utf-8")

    # Pages link it with ?v=<last change>, so a long lifetime is safe.
    return conditional.respond(
        request, etag=conditional.etag(brochure.code, brochure.updated_at.isoformat()),
        last_modified=brochure.updated_at, max_age=86400, render=render_css,
    )

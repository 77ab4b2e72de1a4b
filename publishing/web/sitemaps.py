"""/sitemap.xml: every published product page in every published language.

Each <url> carries xhtml:link alternates for the product's other languages.
Past PIM_SITEMAP_MAX_URLS (50 000, the protocol's limit) /sitemap.xml becomes
a sitemap index of /sitemap-N.xml parts. Only URLs and dates are read, never
whole documents.
"""

from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.http import Http404, HttpResponse

from . import pages

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def max_urls():
    return int(getattr(settings, "PIM_SITEMAP_MAX_URLS", 50_000))


def _rows(channel):
    """[(sku, [(locale, url, updated_at), …])] in SKU order, languages in channel order."""
    order = {code: i for i, code in enumerate(pages.channel_languages(channel))}
    rows = (
        pages.live(channel)
        .filter(locale__in=list(order))
        .order_by("sku")
        .values_list("sku", "locale", "document__url", "updated_at", "document__status")
    )
    grouped = {}
    for sku, locale, url, updated_at, status in rows:
        if url and status != "discontinued":  # a 410 or a redirect is no page to index
            grouped.setdefault(sku, []).append((locale, url, updated_at))
    return [(sku, sorted(items, key=lambda item: order[item[0]])) for sku, items in grouped.items()]


def _url_entries(channel):
    for _sku, items in _rows(channel):
        for locale, url, updated_at in items:
            yield url, updated_at, items


def _urlset(entries):
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n',
    ]
    for url, updated_at, items in entries:
        out.append(f"<url><loc>{escape(url)}</loc><lastmod>{updated_at.date().isoformat()}</lastmod>")
        for locale, alternate, _updated in items:
            out.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(locale)} href={quoteattr(alternate)}/>')
        default = dict((i[0], i[1]) for i in items).get(settings.LANGUAGE_CODE) or items[0][1]
        out.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(default)}/>')
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def _index(parts):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for number in range(1, parts + 1):
        out.append(f"<sitemap><loc>{escape(settings.PIM_BASE_URL)}/sitemap-{number}.xml</loc></sitemap>\n")
    out.append("</sitemapindex>\n")
    return "".join(out)


def _response(body):
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response


def sitemap(request):
    channel = pages.web_channel()
    entries = list(_url_entries(channel)) if channel else []
    limit = max_urls()
    if len(entries) > limit:
        return _response(_index((len(entries) + limit - 1) // limit))
    return _response(_urlset(entries))


def sitemap_part(request, number):
    channel = pages.web_channel()
    entries = list(_url_entries(channel)) if channel else []
    limit = max_urls()
    chunk = entries[(number - 1) * limit:number * limit]
    if number < 1 or not chunk or len(entries) <= limit:
        raise Http404("No such sitemap part")
    return _response(_urlset(chunk))

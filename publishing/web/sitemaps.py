"""/sitemap.xml: every published product page in every published language.

Each <url> carries xhtml:link alternates for the product's other languages.
Past PIM_SITEMAP_MAX_URLS (50 000) URLs or PIM_SITEMAP_MAX_BYTES (50 MB
uncompressed), the protocol's limits, /sitemap.xml becomes a sitemap index of
/sitemap-N.xml parts.

The plan of the parts (the first sku × language of each) is made once per
channel state (the feed counter) in one pass over URLs and dates, never
whole documents. A part then reads only its own products, by a sku range
(keyset, not offset), so its cost does not grow with the catalog; between
publishes clients revalidate with the ETag.
"""

import gzip
from dataclasses import dataclass
from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from . import conditional, pages, seo

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
URLSET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
URLSET_TAIL = "</urlset>\n"
MAX_AGE = 900


def max_urls():
    return int(getattr(settings, "PIM_SITEMAP_MAX_URLS", 50_000))


def max_bytes():
    return int(getattr(settings, "PIM_SITEMAP_MAX_BYTES", 50 * 1024 * 1024))


def _groups(channel, languages, first_sku=None, last_sku=None):
    """(sku, [(position, locale, url, updated_at), …]) in sku order, languages in
    channel order; only skus in [first_sku, last_sku] when given."""
    order = {code: i for i, code in enumerate(languages)}
    rows = pages.live(channel).filter(locale__in=languages)
    if first_sku is not None:
        rows = rows.filter(sku__gte=first_sku)
    if last_sku is not None:
        rows = rows.filter(sku__lte=last_sku)
    # KT: the keys as text, so no JSON decoding per row
    rows = rows.order_by("sku").values_list("sku", "locale", KT("document__url"), "updated_at", KT("document__status"))
    for sku, group in groupby(rows.iterator(chunk_size=2000), key=lambda row: row[0]):
        # a discontinued page answers 410 or redirects: no page to index
        items = sorted((order[locale], locale, url, updated_at)
                       for _sku, locale, url, updated_at, status in group if url and status != "discontinued")
        if items:
            yield sku, items


def _entries(groups):
    """((sku, position), <url> element) of every page, its alternates included."""
    for sku, items in groups:
        links = seo.hreflang_links({locale: url for _position, locale, url, _updated in items})
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang={quoteattr(link["hreflang"])} href={quoteattr(link["href"])}/>'
            for link in links
        )
        for position, _locale, url, updated_at in items:
            element = f"<url><loc>{escape(url)}</loc><lastmod>{updated_at.date().isoformat()}</lastmod>"
            yield (sku, position), f"{element}{alternates}</url>\n"


@dataclass(frozen=True)
class Plan:
    starts: tuple  # (sku, language position) of the first page of each part

    def bounds(self, number):
        """[start, end) keys of part ``number`` (1-based); end None for the last."""
        start = self.starts[number - 1]
        return start, self.starts[number] if number < len(self.starts) else None


def plan(channel, languages, current=None):
    """How the channel's pages split into parts, once per channel state."""
    limit_urls, limit_bytes = max_urls(), max_bytes()

    def build():
        starts, in_part, size = [], 0, 0
        room = limit_bytes - len(URLSET_HEAD) - len(URLSET_TAIL)
        for key, element in _entries(_groups(channel, languages)):
            length = len(element.encode())
            if not starts or in_part >= limit_urls or size + length > room:
                starts.append(key)
                in_part, size = 0, 0
            in_part, size = in_part + 1, size + length
        return Plan(tuple(starts))

    return pages.cached("sitemap-plan", channel, (tuple(languages), limit_urls, limit_bytes), build, current)


def _in_part(key, start, end):
    """Whether a page (sku, position) read by the part's sku range belongs to it.

    The range itself is the database's order; only the boundary skus are
    compared here, by equality, so a collation unlike Python's cannot move
    a page into the wrong part.
    """
    sku, position = key
    if sku == start[0] and position < start[1]:
        return False
    return end is None or sku != end[0] or position < end[1]


def _urlset(channel, languages, the_plan, number):
    start, end = the_plan.bounds(number)
    groups = _groups(channel, languages, first_sku=start[0], last_sku=end[0] if end else None)
    body = [URLSET_HEAD]
    body += [element for key, element in _entries(groups) if _in_part(key, start, end)]
    body.append(URLSET_TAIL)
    return "".join(body)


def _index(parts):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for number in range(1, parts + 1):
        out.append(f"<sitemap><loc>{escape(settings.PIM_BASE_URL)}/sitemap-{number}.xml</loc></sitemap>\n")
    out.append("</sitemapindex>\n")
    return "".join(out)


def _respond(request, channel, languages, number, current, render_xml):
    """The XML answered through its validators; built once per channel state
    and kept gzipped (a 50 000-URL part is ~14 MB of XML, ~0.5 MB gzipped), sent
    as it is to clients that accept gzip."""
    gzipped = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
    tag = conditional.etag("sitemap", number, current, languages, max_urls(), max_bytes(), settings.PIM_BASE_URL)
    if gzipped:
        tag = tag[:-1] + '-gzip"'  # another representation, another strong validator

    def render():
        scope = (number, tuple(languages), max_urls(), max_bytes(), settings.PIM_BASE_URL)
        body = pages.cached("sitemap-xml", channel, scope, lambda: compress_string(render_xml().encode()), current)
        response = HttpResponse(body if gzipped else gzip.decompress(body),
                                content_type="application/xml; charset=utf-8")
        if gzipped:
            response["Content-Encoding"] = "gzip"
        return response

    response = conditional.respond(request, etag=tag, last_modified=pages.last_change(channel, current),
                                   max_age=MAX_AGE, render=render)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def sitemap(request):
    channel = pages.web_channel()
    if channel is None:
        return HttpResponse(URLSET_HEAD + URLSET_TAIL, content_type="application/xml; charset=utf-8")
    languages = pages.channel_languages(channel)
    current = pages.stamp(channel)

    def render():
        the_plan = plan(channel, languages, current)
        if len(the_plan.starts) > 1:
            return _index(len(the_plan.starts))
        return _urlset(channel, languages, the_plan, 1) if the_plan.starts else URLSET_HEAD + URLSET_TAIL

    return _respond(request, channel, languages, 0, current, render)


def sitemap_part(request, number):
    channel = pages.web_channel()
    if channel is None:
        raise Http404("No such sitemap part")
    languages = pages.channel_languages(channel)
    current = pages.stamp(channel)
    the_plan = plan(channel, languages, current)
    # a single part is served as /sitemap.xml itself
    if len(the_plan.starts) < 2 or not 1 <= number <= len(the_plan.starts):
        raise Http404("No such sitemap part")
    return _respond(request, channel, languages, number, current, lambda: _urlset(channel, languages, the_plan, number))

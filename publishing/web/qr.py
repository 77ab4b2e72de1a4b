"""QR landing: ``/q/{code}`` records the scan and sends the reader to the product page.

Where a code lands, best first: the product page in the link's language;
the same product in another published language (the code was printed for a
language the web no longer carries, or the link was retired); the web home
in the link's language. Every target carries the campaign tags. Only an
unknown code answers 404, as a localized page for people, not the API's JSON.

Scans store the time, brochure, language and device class; no IP address or
User-Agent is kept. Bots (link previewers, crawlers that found a printed URL)
are redirected like anyone else but not recorded: they are not readers of the
brochure, and counting them would inflate the scan figures.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from publishing.campaigns import campaign_query, device_class, find_link, record_scan
from publishing.models import QrScan

from . import pages


def _with_query(path, query):
    return f"{path}?{query}" if query else path


def landing_path(link, channel):
    """The site path (with campaign tags) a short link lands on; never None."""
    query = campaign_query(link)
    languages = pages.channel_languages(channel)
    if channel is not None:
        # Only the page URLs, not whole documents: a scan should stay cheap.
        urls = dict(pages.live(channel).filter(sku=link.sku).values_list("locale", "document__url"))
        order = [link.language_code] + [code for code in languages if code != link.language_code]
        for lang in order:
            if urls.get(lang):
                return _with_query(pages.path_of(urls[lang]), query)
    if link.language_code in languages:
        home = link.language_code
    elif languages:
        home = languages[0]
    else:
        return _with_query("/", query)
    return _with_query(f"/{home}/", query)


def _visitor_language(request, languages):
    preferred = translation.get_language_from_request(request)
    if preferred in languages:
        return preferred
    if settings.LANGUAGE_CODE in languages:
        return settings.LANGUAGE_CODE
    return languages[0] if languages else settings.LANGUAGE_CODE


def not_found(request, channel=None):
    """A friendly 404 in the visitor's language (Accept-Language)."""
    languages = pages.channel_languages(channel) or list(settings.LANGUAGE_CODES)
    lang = _visitor_language(request, languages)
    names = dict(settings.LANGUAGES)
    with translation.override(lang):
        context = {
            "lang": lang,
            "title": _("This code is not known"),
            "languages": [
                {"code": code, "name": names.get(code, code), "url": f"/{code}/", "current": code == lang}
                for code in languages
            ],
        }
        response = render(request, "web/qr_not_found.html", context, status=404)
    response["Content-Language"] = lang
    response["Cache-Control"] = "no-store"
    return response


def landing(request, code):
    link = find_link(code)
    channel = pages.web_channel()
    if link is None:
        return not_found(request, channel)
    agent = request.headers.get("User-Agent", "")
    # HEAD is what link checkers send; only a real visit counts.
    if request.method == "GET" and device_class(agent) != QrScan.Device.BOT:
        record_scan(link, agent)
    response = HttpResponseRedirect(landing_path(link, channel))
    # Every scan must reach the server to be counted; caches keep nothing.
    response["Cache-Control"] = "no-store"
    return response

"""Public pages of the web channel, rendered only from its published documents."""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import campaign_banner, conditional, pages, presentation, seo

PAGE_SIZE = 24
PRODUCT_MAX_AGE = 300
LISTING_MAX_AGE = 300


def _language_names():
    return dict(settings.LANGUAGES)


def localized(view):
    """Validate the <lang> URL part against the channel and render in that language."""

    @functools.wraps(view)
    def wrapper(request, lang, *args, **kwargs):
        channel = pages.web_channel()
        languages = pages.channel_languages(channel)
        if lang not in settings.LANGUAGE_CODES or lang not in languages:
            fallback = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in settings.LANGUAGE_CODES else "en"
            with translation.override(fallback):
                return not_found(request, fallback, languages)
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, lang, channel, languages, *args, **kwargs)
        # LocaleMiddleware only fills this in when missing: keep the page's language
        response.headers.setdefault("Content-Language", lang)
        return response

    return wrapper


def _context(lang, languages, switcher, **extra):
    names = _language_names()
    return {
        "lang": lang,
        "languages": [
            {"code": code, "name": names.get(code, code), "url": switcher.get(code, f"/{code}/"),
             "current": code == lang}
            for code in languages
        ],
        **extra,
    }


def not_found(request, lang, languages=()):
    context = _context(lang, languages or [lang], {}, title=_("Page not found"))
    return render(request, "web/404.html", context, status=404)


def _listing_response(request, lang, channel, languages, kind, render_page):
    """A listing page answered through its validators: the channel's state,
    the language and the channel's languages (the switcher and hreflang)."""
    current = pages.stamp(channel)
    return conditional.respond(
        request,
        etag=conditional.etag(kind, lang, languages, current, request.get_full_path()),
        last_modified=pages.last_change(channel, current),
        max_age=LISTING_MAX_AGE,
        render=lambda: render_page(current),
    )


def _site_urls(paths):
    """{lang: absolute URL} of site-relative paths, for hreflang links."""
    return {code: f"{settings.PIM_BASE_URL}{path}" for code, path in paths.items()}


@localized
def home(request, lang, channel, languages):
    def render_page(current):
        found, first = pages.home_listing(pages.index(channel, lang, current), lang)
        context = _context(
            lang, languages, {},
            title=_("Products"),
            categories=found,
            products=[presentation.card(e, lang) for e in first],
            alternates=seo.hreflang_links(_site_urls({code: f"/{code}/" for code in languages})),
        )
        return render(request, "web/home.html", context)

    return _listing_response(request, lang, channel, languages, "home", render_page)


def _base_query(request):
    """The current query string without ``page``, ready for "…&page=N"."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def _selected_facets(request):
    """?f=code:value (repeatable) → {code: {value, …}}."""
    selected = {}
    for item in request.GET.getlist("f"):
        code, sep, value = item.partition(":")
        if sep and code and value:
            selected.setdefault(code, set()).add(value)
    return selected


@localized
def category(request, lang, channel, languages, path):
    code = path.strip("/").rsplit("/", 1)[-1]

    def render_page(current):
        selected = _selected_facets(request)
        order = request.GET.get("sort", "name")
        members, filtered, facets = pages.category_listing(pages.index(channel, lang, current), code, selected,
                                                           order, lang)
        if not members:
            return not_found(request, lang, languages)
        info = next(c for c in members[0].document["categories"] if c.get("code") == code)
        page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
        # the listing exists in every language that has products in the category
        listed = [c for c in languages if c == lang or c in pages.category_languages(channel, current).get(code, ())]
        paths = {c: f"/{c}/c/{path.strip('/')}/" for c in listed}
        context = _context(
            lang, languages, paths,
            title=info.get("name") or code,
            category=info,
            page=page,
            products=[presentation.card(e, lang) for e in page.object_list],
            facets=facets,
            sort=order if order in pages.SORTS else "name",
            sorts=[("name", _("Name A–Z")), ("-name", _("Name Z–A")), ("price", _("Lowest price")),
                   ("-price", _("Highest price"))],
            selected=[f"{c}:{v}" for c, values in selected.items() for v in sorted(values)],
            base_query=_base_query(request),
            alternates=seo.hreflang_links(_site_urls(paths)),
        )
        return render(request, "web/listing.html", context)

    return _listing_response(request, lang, channel, languages, "category", render_page)


@localized
def search(request, lang, channel, languages):
    query = request.GET.get("q", "").strip()
    found = pages.search(pages.index(channel, lang), query) if query else []
    found = pages.sort(found, request.GET.get("sort", "name"), lang)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    # switching language repeats the search there
    suffix = f"?{urlencode({'q': query})}" if query else ""
    switcher = {code: f"/{code}/search/{suffix}" for code in languages}
    context = _context(lang, languages, switcher, title=_("Search"), query=query, page=page,
                       products=[presentation.card(e, lang) for e in page.object_list], total=len(found),
                       base_query=_base_query(request))
    response = render(request, "web/search.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _product_context(lang, languages, document, translations, *, preview=False):
    switcher = {code: pages.path_of(doc.get("url")) for code, doc in translations.items() if doc.get("url")}
    view = presentation.product_view(document, lang)
    images = view["images"]
    return _context(
        lang, languages, switcher,
        title=document.get("name"),
        product=view,
        main_image=images[0] if images else None,
        more_images=images[1:],
        json_ld=seo.json_ld_script(seo.product_json_ld(document)),
        alternates=[] if preview else seo.alternates(translations),
        canonical=None if preview else document.get("url"),
        open_graph=[] if preview else seo.open_graph(document, lang, list(translations)),
        noindex=preview,
        preview=preview,
        category_path=(document.get("categories") or [{}])[0],
    )


@localized
def product(request, lang, channel, languages, slug):
    snapshot = pages.find_by_slug(channel, lang, slug)
    if snapshot is None:
        moved = pages.find_moved(channel, lang, slug)
        if moved is not None and moved.document.get("url"):
            return HttpResponsePermanentRedirect(pages.path_of(moved.document["url"]))
        return not_found(request, lang, languages)
    document = snapshot.document
    if pages.is_discontinued(document):
        target = pages.replacement_url(document)
        if target:
            return HttpResponsePermanentRedirect(target)
        context = _context(lang, languages, {}, title=document.get("name"), product=document)
        return render(request, "web/gone.html", context, status=410)

    # A QR landing URL carries its campaign in the query: the banner page is its
    # own URL (and ETag), the plain page stays the same for every visitor.
    campaign = campaign_banner.banner_for(request.GET, lang)
    # Every published language shows on the page (hreflang, the switcher):
    # their feed numbers, and the channel's languages, are the validator.
    versions = pages.versions_of(channel, snapshot.sku)
    etag = conditional.etag(snapshot.sku, lang, snapshot.content_hash, languages,
                            [(locale, seq) for locale, seq, _updated in versions],
                            (campaign["code"], campaign["version"]) if campaign else None)

    def render_page():
        translations = pages.translations_of(channel, snapshot.sku)
        context = _product_context(lang, languages, document, translations)
        if campaign:
            context["campaign"] = campaign
            # Switching language keeps the reader in the campaign.
            for language in context["languages"]:
                language["url"] = f"{language['url']}?{campaign['query']}"
        return render(request, "web/product.html", context)

    return conditional.respond(
        request, etag=etag, max_age=PRODUCT_MAX_AGE, render=render_page,
        last_modified=max([updated for _locale, _seq, updated in versions], default=snapshot.updated_at),
    )


@localized
def preview(request, lang, channel, languages, sku):
    """An editor's view of the document the next publish would build (drafts too)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
    if not request.user.has_perm("catalog.view_product"):
        return HttpResponseForbidden(_("You may not preview products."))
    from publishing.documents import build_document, document_queryset  # the core builds documents

    product_row = document_queryset(channel).filter(sku=sku).first()
    if product_row is None:
        return not_found(request, lang, languages)
    document = build_document(product_row, channel, lang)
    response = render(request, "web/product.html",
                      _product_context(lang, languages, document, {lang: document}, preview=True))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def root(request):
    """/ → the visitor's language if the channel has it, else the default."""
    languages = pages.channel_languages(pages.web_channel())
    preferred = translation.get_language_from_request(request)
    lang = preferred if preferred in languages else (languages[0] if languages else settings.LANGUAGE_CODE)
    return HttpResponseRedirect(f"/{lang}/")

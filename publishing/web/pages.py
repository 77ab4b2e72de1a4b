"""Read helpers over the web channel's published documents (no catalog models).

Listings, facets, sorting and search run in Python over the channel's
documents for one locale: SQLite folds only ASCII in LIKE, so search matches
casefolded text ("Ő", "ä" and "Ж" like any other letter) and names sort in
the reader's alphabet (publishing/web/collation.py). The parsed index is
cached per process and keyed by the channel's latest sequence number, so a
page costs a constant number of queries; after a publish the index (and the
URL map, and the categories' languages) are brought up to date from the
snapshots stamped since, not rebuilt, and each listing (category × facets ×
sort) is computed once per index.
"""

import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db.models import Count, Max

from publishing.models import Channel, ChannelSequence, ProductSnapshot
from publishing.page_paths import retired_sku

from .collation import sort_key

WEB_CHANNEL = getattr(settings, "PIM_WEB_CHANNEL", "web")


def fold(text):
    """A case- and form-insensitive key: NFKC then casefold (ß→ss, Ő→ő)."""
    return unicodedata.normalize("NFKC", str(text or "")).casefold()


def web_channel():
    return Channel.objects.prefetch_related("languages").filter(code=WEB_CHANNEL, is_active=True).first()


def channel_languages(channel):
    """The channel's languages in its order, limited to the configured ones."""
    if channel is None:
        return []
    known = set(settings.LANGUAGE_CODES)
    return [lang.language_code for lang in channel.languages.all() if lang.language_code in known]


def live(channel, locale=None):
    """Published (not tombstoned, sequenced) snapshots of the channel."""
    queryset = ProductSnapshot.objects.filter(channel=channel, deleted=False, seq__isnull=False)
    if locale is not None:
        queryset = queryset.filter(locale=locale)
    return queryset


def page_path(locale, slug):
    """Site-relative path of a product page (works on any host, e.g. test servers)."""
    return f"/{locale}/p/{quote(slug, safe='')}/"


def document_url(locale, slug):
    return f"{settings.PIM_BASE_URL}{page_path(locale, slug)}"


def path_of(url):
    """The path of an absolute URL (links inside the site stay relative)."""
    return urlsplit(url).path if url else ""


def is_discontinued(document):
    return document.get("status") == "discontinued"


def replacement_url(document):
    replacement = document.get("replacement") or {}
    return document.get("replacement_url") or replacement.get("url")


# --- Channel state and the per-process cache --------------------------------------

def stamp(channel):
    """Changes whenever a snapshot of the channel is published or withdrawn.

    The channel's feed counter is one row read by key; every stamped change
    moves it. Without one (snapshots written by hand) the live rows are counted.
    """
    last_seq = ChannelSequence.objects.filter(channel=channel).values_list("last_seq", flat=True).first()
    if last_seq is not None:
        return ("seq", last_seq)
    state = live(channel).aggregate(top=Max("seq"), n=Count("id"))
    return (state["top"], state["n"])


_cache = {}
_cache_lock = threading.Lock()
_build_locks = {}


def _build_lock(key):
    with _cache_lock:
        return _build_locks.setdefault(key, threading.Lock())


def cached(kind, channel, scope, build, current=None, update=None):
    """``build()`` once per channel state and ``scope`` (e.g. a locale).

    ``current`` is a stamp the caller already read (saves the query). With
    ``update(value, since_seq)``, a value cached at an older feed position is
    brought up to date from the snapshots stamped after it (a publish of a
    few products costs a few rows, not a rebuild of the whole channel);
    ``update`` returns the new value, or None to rebuild. One thread builds
    or updates a key at a time: the others wait for its result instead of
    doing the same work beside it.
    """
    key = (kind, channel.pk, scope)
    current = current if current is not None else stamp(channel)
    entry = _cache.get(key)
    if entry and entry[0] == current:
        return entry[1]
    with _build_lock(key):
        entry = _cache.get(key)
        if entry and entry[0] == current:
            return entry[1]  # built meanwhile by the thread that held the lock
        value = None
        if update is not None and entry and _is_seq(entry[0]) and _is_seq(current) and entry[0][1] < current[1]:
            value = update(entry[1], entry[0][1])
        if value is None:
            value = build()
        with _cache_lock:
            _cache[key] = (current, value)
    return value


def _is_seq(state):
    return isinstance(state, tuple) and len(state) == 2 and state[0] == "seq" and isinstance(state[1], int)


def stamped_since(channel, since_seq, locale=None):
    """Snapshots of the channel (in ``locale``) stamped after ``since_seq``,
    withdrawals included: what changed since a cached value was built."""
    rows = ProductSnapshot.objects.filter(channel=channel, seq__gt=since_seq)
    return rows.filter(locale=locale) if locale is not None else rows


# --- Single products ------------------------------------------------------------

class _Urls(dict):
    """{page URL: sku}, with each sku's URL to drop it when the page moves."""

    def __init__(self, rows):
        super().__init__()
        self.of_sku = {}
        self.apply(rows)

    def apply(self, rows):
        for sku, url, deleted in rows:
            old = self.of_sku.pop(sku, None)
            if old is not None and self.get(old) == sku:
                del self[old]
            if not deleted and url:
                self[url] = sku
                self.of_sku[sku] = url
        return self


def url_map(channel, locale):
    """{page URL: sku} of the locale's live documents, cached until the next publish.

    Documents carry no indexed slug column, so the URLs are read once per
    channel state instead of searching the JSON on every page view; a
    publish updates the map from the snapshots it stamped.
    """
    fields = ("sku", "document__url", "deleted")

    def build():
        return _Urls(live(channel, locale).values_list(*fields))

    def update(urls, since):
        return urls.apply(stamped_since(channel, since, locale).order_by("seq").values_list(*fields))

    return cached("urls", channel, locale, build, update=update)


def find_by_slug(channel, locale, slug):
    """The live snapshot whose page is /{locale}/p/{slug}/, else None."""
    mapping = url_map(channel, locale)
    sku = mapping.get(document_url(locale, slug)) or mapping.get(f"{settings.PIM_BASE_URL}/{locale}/p/{slug}/")
    if sku is None:
        return None
    return live(channel, locale).filter(sku=sku).first()


def find_moved(channel, locale, slug):
    """Where an unknown slug went: the same product in ``locale``.

    In this order: the product whose page had this slug before a rename (the
    core's slug history), the SKU (/{lang}/p/{sku}/ is a stable address) and
    the product's slug in another published language (a visitor who edits
    the language in the URL). Returns the live snapshot in ``locale`` or None.
    """
    for sku in (retired_sku(channel, locale, slug), slug):
        snapshot = live(channel, locale).filter(sku=sku).first() if sku else None
        if snapshot is not None:
            return snapshot
    languages = channel_languages(channel)
    urls = [document_url(lang, slug) for lang in languages]
    sku = live(channel).filter(document__url__in=urls).values_list("sku", flat=True).first()
    if sku is None:
        return None
    return live(channel, locale).filter(sku=sku).first()


def versions_of(channel, sku):
    """[(locale, seq, updated_at)] of one product's published languages.

    A product page shows every one of them (hreflang links, the language
    switcher), so its validators are built from all of them, not only the
    language read.
    """
    rows = live(channel).filter(sku=sku, locale__in=channel_languages(channel)).order_by("locale")
    return list(rows.values_list("locale", "seq", "updated_at"))


def translations_of(channel, sku):
    """{locale: document} of every published language of one product."""
    languages = channel_languages(channel)
    # Only languages the channel still publishes: a dropped language's last
    # snapshots stay in the table until they are tombstoned.
    rows = live(channel).filter(sku=sku, locale__in=languages).values_list("locale", "document")
    order = {code: i for i, code in enumerate(languages)}
    return dict(sorted(rows, key=lambda row: order[row[0]]))


# --- Listings -------------------------------------------------------------------

@dataclass
class Entry:
    """A listing row: the document plus its precomputed sort and search keys."""

    document: dict
    name_key: tuple
    price: Decimal | None
    search_text: str
    category_codes: frozenset
    facets: dict = field(default_factory=dict)

    @property
    def path(self):
        return path_of(self.document.get("url"))


def _amount(document):
    try:
        return Decimal(str((document.get("price") or {})["amount"]))
    except (KeyError, TypeError, InvalidOperation):
        return None


def _entry(document, locale):
    facets = {
        attr["code"]: str(attr.get("display") or attr.get("value") or "")
        for attr in document.get("attributes") or []
        if attr.get("code") and not isinstance(attr.get("value"), (dict, list))
    }
    text = " ".join(str(document.get(key) or "") for key in ("name", "brand", "sku", "gtin", "short_description"))
    text += " " + " ".join(v["sku"] for v in document.get("variants") or [] if v.get("sku"))
    return Entry(
        document=document,
        name_key=sort_key(document.get("name"), locale),
        price=_amount(document),
        search_text=fold(text),
        category_codes=frozenset(c["code"] for c in document.get("categories") or [] if c.get("code")),
        facets=facets,
    )


def _listed(document):
    return not document.get("deleted") and not is_discontinued(document)


MEMO_SIZE = 64  # listings (category × facets × sort) kept per index


class _Index(list):
    """The listing entries in SKU order, with each entry by SKU for updates,
    and the listings computed from them (a new index starts without)."""

    def __init__(self, entries, by_sku=None):
        super().__init__(entries)
        self.by_sku = by_sku if by_sku is not None else {entry.document.get("sku"): entry for entry in self}
        self._memo = OrderedDict()
        self._memo_lock = threading.Lock()

    def memo(self, key, compute):
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value


def category_listing(entries, code, selected, order, locale):
    """(members, sorted and filtered members, facets) of category ``code``:
    computed once per index and query (a 100 000-product channel would
    otherwise filter, count and sort on every page view)."""
    chosen = tuple(sorted((c, tuple(sorted(values))) for c, values in selected.items()))
    order = order if order in SORTS else "name"
    members = entries.memo(("members", code), lambda: in_category(entries, code))
    listed = entries.memo(("listed", code, chosen, order), lambda: sort(apply_facets(members, selected), order, locale))
    counted = entries.memo(("facets", code, chosen), lambda: facets(members, locale, selected))
    return members, listed, counted


def home_listing(entries, locale, count=12):
    """(categories, the first ``count`` entries by name) for the home page, once per index."""
    return entries.memo(("home", count), lambda: (categories(entries, locale), sort(entries, "name", locale)[:count]))


def index(channel, locale, current=None):
    """Every live document of the channel in ``locale`` as listing entries.

    Two queries: the channel's state and, only when that changed, the
    documents themselves: all of them the first time in a process, after
    that only those stamped since (a publish of ten products parses ten
    documents, not the whole channel).
    """
    def build():
        documents = live(channel, locale).order_by("sku").values_list("document", flat=True)
        return _Index(_entry(doc, locale) for doc in documents if _listed(doc))

    def update(entries, since):
        by_sku = dict(entries.by_sku)
        rows = stamped_since(channel, since, locale).order_by("seq").values_list("sku", "deleted", "document")
        for sku, deleted, document in rows:
            if deleted or not _listed(document):
                by_sku.pop(sku, None)
            else:
                by_sku[sku] = _entry(document, locale)
        return _Index((by_sku[sku] for sku in sorted(by_sku)), by_sku)

    return cached("entries", channel, locale, build, current, update=update)


def category_languages(channel, current=None):
    """{category code: {locale, …}}: the languages in which a category has products.

    One query over the categories of every live document, once per channel
    state: a listing names its other languages in hreflang links.
    """
    fields = ("sku", "locale", "deleted", "document__categories", "document__status")

    def build():
        return _CategoryLanguages(live(channel).values_list(*fields))

    def update(found, since):
        return found.apply(stamped_since(channel, since).order_by("seq").values_list(*fields))

    return cached("category-languages", channel, None, build, current, update=update)


class _CategoryLanguages(dict):
    """{category code: {locale, …}}, with how many documents put each
    category in each language, to update it product by product."""

    def __init__(self, rows):
        super().__init__()
        self.counts = {}  # (code, locale) -> documents
        self.of_row = {}  # (sku, locale) -> codes
        self.apply(rows)

    def apply(self, rows):
        for sku, locale, deleted, categories, status in rows:
            for code in self.of_row.pop((sku, locale), ()):
                self._count(code, locale, -1)
            if deleted or status == "discontinued":  # not listed (see index)
                continue
            codes = {c["code"] for c in categories or [] if isinstance(c, dict) and c.get("code")}
            self.of_row[(sku, locale)] = tuple(codes)
            for code in codes:
                self._count(code, locale, 1)
        return self

    def _count(self, code, locale, step):
        count = self.counts.get((code, locale), 0) + step
        if count > 0:
            self.counts[(code, locale)] = count
            self.setdefault(code, set()).add(locale)
            return
        self.counts.pop((code, locale), None)
        languages = self.get(code)
        if languages is not None:
            languages.discard(locale)
            if not languages:
                del self[code]


def last_change(channel, current=None):
    """When a page of the channel last changed (a publish or a withdrawal in
    any language: listings link the other languages too); cached like the index."""
    def build():
        stamped = ProductSnapshot.objects.filter(channel=channel, seq__isnull=False)
        return stamped.aggregate(top=Max("updated_at"))["top"]

    return cached("changed", channel, None, build, current)


def warm(channel=None):
    """Build the web channel's cached index, URL map and categories'
    languages for every language now, instead of on the first visitor's
    request. Run in the gunicorn master with ``--preload`` (pim/wsgi.py,
    ``PIM_WARM_WEB_INDEX``), the workers forked from it start with them and
    only apply what was published since. Returns the languages warmed."""
    channel = channel or web_channel()
    if channel is None:
        return []
    current = stamp(channel)
    languages = channel_languages(channel)
    for locale in languages:
        index(channel, locale, current)
        url_map(channel, locale)
    category_languages(channel, current)
    last_change(channel, current)
    return languages


def clear_cache():
    with _cache_lock:
        _cache.clear()


def categories(entries, locale):
    """[{code, name, path, count}] of the categories the documents name, in ``locale``'s order."""
    found = {}
    for entry in entries:
        for category in entry.document.get("categories") or []:
            code = category.get("code")
            if not code:
                continue
            item = found.setdefault(code, {**category, "count": 0})
            item["count"] += 1
    return sorted(found.values(), key=lambda c: sort_key(c.get("path") or c.get("name"), locale))


def in_category(entries, code):
    return [e for e in entries if code in e.category_codes]


def facets(entries, locale, selected=None):
    """Attribute facets: [{code, label, values: [{value, count, selected}]}], in ``locale``'s order."""
    selected = selected or {}
    labels, counts = {}, {}
    for entry in entries:
        for attr in entry.document.get("attributes") or []:
            code = attr.get("code")
            value = entry.facets.get(code)
            if not code or not value:
                continue
            labels.setdefault(code, attr.get("label") or code)
            bucket = counts.setdefault(code, {})
            bucket[value] = bucket.get(value, 0) + 1
    result = []
    for code, bucket in counts.items():
        if len(bucket) < 2 and code not in selected:
            continue  # one value for everything filters nothing
        values = [
            {"value": v, "count": n, "selected": v in selected.get(code, ())}
            for v, n in sorted(bucket.items(), key=lambda item: sort_key(item[0], locale))
        ]
        result.append({"code": code, "label": labels[code], "values": values})
    return sorted(result, key=lambda f: sort_key(f["label"], locale))


def apply_facets(entries, selected):
    """Keep entries matching every selected attribute (any of its values)."""
    for code, values in selected.items():
        entries = [e for e in entries if e.facets.get(code) in values]
    return entries


SORTS = ("name", "-name", "price", "-price")


def sort(entries, order, locale):
    """Entries by name (the alphabet of ``locale``, the entries' language) or price."""
    order = order if order in SORTS else "name"
    if order.lstrip("-") == "price":
        priced = sorted((e for e in entries if e.price is not None), key=lambda e: (e.price, e.name_key),
                        reverse=order.startswith("-"))
        return priced + [e for e in entries if e.price is None]  # unpriced last either way
    return sorted(entries, key=lambda e: (e.name_key, e.document.get("sku", "")), reverse=order.startswith("-"))


def search(entries, query):
    """Entries whose text holds every word of ``query``, case-insensitively in any script."""
    words = fold(query).split()
    if not words:
        return []
    return [e for e in entries if all(word in e.search_text for word in words)]

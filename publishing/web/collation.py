"""Alphabetical order in the reader's language: ICU collation (PyICU).

Each language has its own alphabet: Finnish sorts å, ä and ö after z,
Hungarian sorts ö and ő after every o-word (o and ó count as one letter,
ö and ő as the next) and cs, dzs, sz as letters of their own, Russian and
Bulgarian follow the Cyrillic alphabet (ё beside е). Code point order, or
folding accents away, gets each of these wrong.
"""

import threading

import icu

_local = threading.local()  # ICU collators are kept one per thread, never shared


def collator(locale):
    collators = getattr(_local, "collators", None)
    if collators is None:
        collators = _local.collators = {}
    found = collators.get(locale)
    if found is None:
        # an unknown language gets ICU's root order (the Unicode default)
        found = collators[locale] = icu.Collator.createInstance(icu.Locale(locale))
    return found


def sort_key(text, locale):
    """A bytes key that orders ``text`` as a dictionary in ``locale`` does (case last)."""
    return collator(locale).getSortKey(str(text or ""))

"""Spreadsheet cells that cannot run as formulas (CSV/XLSX injection).

A cell whose text, after any leading ``'``, starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return is written with one more leading ``'``; an
import removes exactly that one again, so a round trip is lossless.
"""

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_risky(text):
    return text.lstrip("'").startswith(TRIGGERS)


def neutralise(value):
    """The text to write into a spreadsheet cell for ``value``."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if _is_risky(text) else text


def restore(text):
    """The value a neutralised cell stood for (inverse of :func:`neutralise`)."""
    if text is None:
        return ""
    text = str(text)
    return text[1:] if text.startswith("'") and _is_risky(text) else text

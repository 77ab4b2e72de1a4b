"""Plain text for feeds: HTML stripped, whitespace folded, control characters dropped, lengths cut."""

import html
import io
import re

_BLOCK_RE = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
# Characters XML 1.0 cannot carry and feed parsers reject.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINES_RE = re.compile(r"\s*\n\s*")


def plain_text(value, keep_lines=False):
    """Visible text of rich text: tags removed (block ends become line breaks
    or spaces), entities decoded, whitespace folded."""
    if not value:
        return ""
    text = str(value)
    if "<" not in text and "&" not in text and text.isprintable():
        return " ".join(text.split())  # the common case: a plain one-line name
    text = _BLOCK_RE.sub("\n", text)
    text = html.unescape(_TAG_RE.sub("", text))
    text = _CONTROL_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    text = _LINES_RE.sub("\n" if keep_lines else " ", text)
    return text.strip()


def one_line(value):
    """Plain text on one line (TSV/CSV cells, titles)."""
    return plain_text(value).replace("\n", " ")


def cut(text, limit):
    """``text`` shortened to at most ``limit`` characters, at a word boundary
    when one is near, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.8:
        head = head[:space]
    return head.rstrip(" ,.;:-") + "…"


class TextHandle:
    """A text view of the binary file an artifact writer receives; closing
    it leaves the binary file open for store_artifact."""

    def __init__(self, handle, bom=False):
        self.text = io.TextIOWrapper(handle, encoding="utf-8-sig" if bom else "utf-8", newline="",
                                     write_through=True)

    def __enter__(self):
        return self.text

    def __exit__(self, *exc):
        self.text.flush()
        self.text.detach()

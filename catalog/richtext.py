"""Rich text sanitising: a safelist of tags and attributes (nh3/ammonia).

Scripts, event handlers, styles and javascript: URLs are removed on save, so
every channel can render descriptions as HTML without re-checking them.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
    "img", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


def sanitize_html(value):
    if not value:
        return value or ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def html_to_text(value):
    """Plain text of sanitised HTML, for feeds that accept no markup."""
    import html
    import re

    text = nh3.clean(value or "", tags=set())
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()

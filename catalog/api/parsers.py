"""JSON and NDJSON bodies (one JSON object per line, for the bulk upsert).

Both refuse the NUL character in any string: PostgreSQL cannot store it, so
it would otherwise fail deep in a save instead of as a clear 400."""

import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

from ..services import InvalidLine


def nul_character_at(data, path="body"):
    """Where the first string (value or key) holding U+0000 is, or None."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = nul_character_at(key, path) or nul_character_at(value, f"{path}.{key}")
            if found:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = nul_character_at(value, f"{path}[{index}]")
            if found:
                return found
    return None


def _nul_message(where):
    return _("Text may not contain the NUL character (\\u0000): %(where)s") % {"where": where}


class TextJSONParser(JSONParser):
    """DRF's JSON parser, refusing NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        where = nul_character_at(data)
        if where:
            raise ParseError(_nul_message(where))
        return data


class NDJSONParser(BaseParser):
    """A list with one item per non-empty line; a line that is not JSON
    becomes an InvalidLine, so it gets its own 400 and the others still run."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text = stream.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(_("The body is not UTF-8.")) from None
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                items.append(InvalidLine(_("Line %(number)d is not JSON: %(error)s")
                                         % {"number": number, "error": exc}))
                continue
            where = nul_character_at(item, f"line {number}")
            items.append(InvalidLine(_nul_message(where)) if where else item)
        return items

"""NDJSON bodies (one JSON object per line) for the bulk upsert."""

import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from ..services import InvalidLine


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
                items.append(json.loads(line))
            except ValueError as exc:
                items.append(InvalidLine(_("Line %(number)d is not JSON: %(error)s")
                                         % {"number": number, "error": exc}))
        return items

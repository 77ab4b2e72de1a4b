"""HTTP validators of public pages: ETag, Last-Modified and Cache-Control, and the 304 answer."""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date


def etag(*parts):
    """A strong ETag over everything that shapes a response (hashed: short, no quotes inside)."""
    return '"%s"' % hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def respond(request, *, etag, last_modified, max_age, render):
    """304 when the client's copy is still current, else ``render()``; both carry the validators.

    ``last_modified`` is a datetime or None. The work of rendering is skipped
    entirely on a 304.
    """
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = render()
        if response.status_code != 200:
            return response  # a 404 from the render carries no validators
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response

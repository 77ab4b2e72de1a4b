"""Response headers and static files: CSP for the public site, WhiteNoise.

Content-Security-Policy for the public site (web pages, QR landing):

The web pages load only their own stylesheet and script files; product
JSON-LD is an inline ``<script type="application/ld+json">``, which browsers
never execute, so CSP does not apply to it and no nonce or hash is needed
(tests/hardening/test_csp_browser.py checks that Chromium reports no
violation). Media may live on another origin (``PIM_MEDIA_URL``: a CDN or
bucket), so that origin is allowed for images.

The admin and the API docs (Swagger UI with its inline style) are left out:
Django's admin and drf-spectacular's page are maintained upstream and are not
public. JSON answers get a policy that forbids everything, so a response
opened in a browser can never run anything.
"""

import os
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

# Paths outside the public site's policy (prefixes).
EXEMPT_PREFIXES = ("/admin/", "/api/docs/")


def _origin(url):
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def site_policy():
    """The policy of the public web pages, as a header value."""
    return _policy(
        getattr(settings, "PIM_MEDIA_URL", ""), getattr(settings, "PIM_HTTPS", False),
        getattr(settings, "PIM_CSP_REPORT_URI", ""),
    )


@lru_cache(maxsize=8)
def _policy(media_url, https, report_uri):
    # Media named by its origin even when it is the site's: the site may be
    # reached under another name than PIM_BASE_URL (a proxy, an IP address).
    media = _origin(media_url)
    images = ["'self'", "data:"] + ([media] if media else [])
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src " + " ".join(images),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if https:
        directives.append("upgrade-insecure-requests")
    if report_uri:
        directives.append(f"report-uri {report_uri}")
    return "; ".join(directives)


API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header to public HTML pages and a deny-all one to JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response or request.path.startswith(EXEMPT_PREFIXES):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's debug pages use inline styles and scripts
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "text/html":
            response["Content-Security-Policy"] = site_policy()
        elif content_type in ("application/json", "application/problem+json") or content_type.endswith("+json"):
            response["Content-Security-Policy"] = API_POLICY
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise; before collectstatic has run the apps' static folders are
    served (WHITENOISE_USE_FINDERS), so an absent STATIC_ROOT is expected
    rather than worth a warning in every process."""

    def add_files(self, root, prefix=None):
        if not self.autorefresh and not os.path.isdir(root) and self.use_finders:
            return
        super().add_files(root, prefix)

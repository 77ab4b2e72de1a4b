"""robots.txt: crawl the pages, not the admin, API, previews or search results."""

from django.conf import settings
from django.http import HttpResponse


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /feeds/",
        "Disallow: /*/preview/",
        "Disallow: /*/search/",
        "Allow: /",
        f"Sitemap: {settings.PIM_BASE_URL}/sitemap.xml",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response

"""URLs of the web channel: localized pages, plus root-level sitemap and robots."""

from django.conf import settings
from django.urls import path, register_converter

from . import campaign_banner, qr, robots, sitemaps, views


class LanguageConverter:
    """Matches only the configured language codes (settings.LANGUAGES)."""

    regex = "|".join(sorted((code for code, _name in settings.LANGUAGES), key=len, reverse=True))

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LanguageConverter, "lang")

urlpatterns = [
    path("<lang:lang>/", views.home, name="web-home"),
    path("<lang:lang>/c/<path:path>/", views.category, name="web-category"),
    path("<lang:lang>/p/<str:slug>/", views.product, name="web-product"),
    path("<lang:lang>/search/", views.search, name="web-search"),
    path("<lang:lang>/preview/<str:sku>/", views.preview, name="web-preview"),
]

# Mounted at the site root, outside any language prefix.
root_urlpatterns = [
    path("", views.root, name="web-root"),
    path("sitemap.xml", sitemaps.sitemap, name="web-sitemap"),
    path("sitemap-<int:number>.xml", sitemaps.sitemap_part, name="web-sitemap-part"),
    path("robots.txt", robots.robots_txt, name="web-robots"),
    path("q/<str:code>", qr.landing, name="web-qr"),
    # typed by hand from paper, sometimes with a slash at the end
    path("q/<str:code>/", qr.landing),
    path("campaign/<str:code>.css", campaign_banner.stylesheet, name="web-campaign-css"),
]

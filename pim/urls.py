"""URL map of the hub: admin, API (+ schema and docs), web, feeds."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from publishing.web.urls import root_urlpatterns as web_root_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("publishing.feed.urls")),
    path("api/v1/", include("catalog.api.urls")),
    path("feeds/", include("publishing.exports.urls")),
]
# static() is a no-op unless DEBUG: production serves media from its own server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
urlpatterns += [
    path("", include(web_root_urlpatterns)),
    path("", include("publishing.web.urls")),
]

handler404 = "pim.api_errors.page_not_found"

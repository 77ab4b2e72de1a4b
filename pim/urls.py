"""URL map of the hub: admin, API (+ schema and docs), web, feeds."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("publishing.feed.urls")),
    path("api/v1/", include("catalog.api.urls")),
]

handler404 = "pim.api_errors.page_not_found"

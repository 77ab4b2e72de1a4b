"""Test URL map: the admin plus the web channel, mounted as pim/urls.py will mount it."""

from django.contrib import admin
from django.urls import include, path

from publishing.web.urls import root_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include(root_urlpatterns)),
    path("", include("publishing.web.urls")),
]

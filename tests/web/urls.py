"""Test URL map: the admin plus the web channel, mounted as pim/urls.py will mount it,
and media served the way a production media server would (browser tests load images)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from publishing.web.urls import root_urlpatterns


def media(request, path):
    # MEDIA_ROOT is read per request: every test has its own folder
    return serve(request, path, document_root=settings.MEDIA_ROOT)


media_urlpatterns = [re_path(r"^media/(?P<path>.*)$", media)]

urlpatterns = [
    path("admin/", admin.site.urls),
    *media_urlpatterns,
    path("", include(root_urlpatterns)),
    path("", include("publishing.web.urls")),
]

"""URLs of marketplace pulls, mounted at /feeds/."""

from django.urls import path

from .views import ExportFileView

app_name = "exports"

urlpatterns = [
    path("<str:channel>/<str:locale>/<str:export_format>", ExportFileView.as_view(), name="file"),
]

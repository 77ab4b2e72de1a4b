"""Routes of the write API, included under /api/v1/."""

urlpatterns = []

"""Routes of the write API, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import ProductViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="api-product")

urlpatterns = router.urls

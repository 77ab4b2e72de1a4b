"""Routes of the channel feed, included under /api/v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("channels/<str:channel>/products/", views.ChannelProductsView.as_view(), name="feed-products"),
    path("channels/<str:channel>/products/<str:sku>/", views.ChannelProductView.as_view(), name="feed-product"),
]

"""The hub's own URL map plus media served by the test server, so landing pages show their images."""

from pim.urls import urlpatterns as site_urlpatterns
from tests.web.urls import media_urlpatterns

urlpatterns = [*media_urlpatterns, *site_urlpatterns]

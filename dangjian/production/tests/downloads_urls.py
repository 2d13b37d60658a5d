"""The site's URLs with the production downloads mounted under a namespace of their own, for
test_downloads.py until production/urls.py includes `downloads.URLS` (then they are also
`production:download_*`)."""

from django.urls import include, path

from dangjian.production import downloads
from dangjian.urls import handler400, handler403, handler404, handler500
from dangjian.urls import urlpatterns as site

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    *site,
    path("production-downloads/", include((downloads.URLS, "production_downloads"))),
]

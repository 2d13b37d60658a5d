import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
application = get_wsgi_application()
# The URLs (and the API's schemas with them) are loaded now rather than on a worker's first
# request (about 3 s): under `gunicorn --preload` once, before the workers are forked.
get_resolver().url_patterns  # noqa: B018

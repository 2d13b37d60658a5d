from django.urls import path

from . import views
from .health import HealthView

urlpatterns = [
    path("", views.home, name="home"),
    path("ping", views.ping, name="ping"),
    path("lookup", views.lookup, name="lookup"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", HealthView.as_view(), name="health"),
]

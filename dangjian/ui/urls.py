from django.urls import path

from . import views

urlpatterns = [
    path("ping", views.ping, name="ping"),
    path("lookup", views.lookup, name="lookup"),
    path("favicon.ico", views.favicon, name="favicon"),
]

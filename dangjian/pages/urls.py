from django.urls import path

from . import views
from .health import HealthView

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", HealthView.as_view(), name="health"),
]

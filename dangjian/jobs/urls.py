from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/progress/", views.progress, name="progress"),
    path("<id:pk>/download/", views.download, name="download"),
]

from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("template/<str:kind>/", views.template, name="template"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/state/", views.state, name="state"),
    path("<id:pk>/confirm/", views.confirm, name="confirm"),
    path("<id:pk>/discard/", views.discard, name="discard"),
    path("<id:pk>/report/", views.report, name="report"),
]

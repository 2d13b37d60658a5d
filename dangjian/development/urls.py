from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("", views.board, name="board"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("ledger/", views.ledger, name="ledger"),
    path("apply/", views.apply, name="apply"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:pk>/conclusion/", views.conclusion, name="conclusion"),
    path("documents/<id:pk>/", views.document, name="document"),
    path("settings/<id:pk>/", views.settings, name="settings"),
]

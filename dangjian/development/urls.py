from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("", views.board, name="board"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("ledger/", views.ledger, name="ledger"),
    path("apply/", views.apply, name="apply"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/conclusion/", views.conclusion, name="conclusion"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("settings/<int:pk>/", views.settings, name="settings"),
]

from django.urls import path

from . import views

app_name = "birthdays"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("cards/", views.cards, name="cards"),
    path("list/", views.cohort_download, name="cohort_download"),
    path("card/<id:pk>/", views.card, name="card"),
    path("settings/<id:pk>/", views.settings, name="settings"),
]

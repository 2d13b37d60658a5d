from django.urls import path

from . import views

app_name = "birthdays"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("cards/", views.cards, name="cards"),
    path("card/<int:pk>/", views.card, name="card"),
    path("settings/<int:pk>/", views.settings, name="settings"),
]

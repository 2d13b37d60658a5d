from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.start, name="start"),
    path("<id:pk>/", views.county, name="county"),
    path("<id:pk>/upload/<str:kind>/", views.upload, name="upload"),
    path("<id:pk>/logins/", views.logins, name="logins"),
    path("<id:pk>/settings/<str:group>/", views.save_settings, name="settings"),
]

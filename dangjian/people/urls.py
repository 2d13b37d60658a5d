from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<id:pk>/", views.person_detail, name="detail"),
    path("<id:pk>/edit/", views.person_edit, name="edit"),
    path("<id:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("<id:pk>/memberships/new/", views.membership_add, name="membership_add"),
    path("memberships/<id:pk>/edit/", views.membership_edit, name="membership_edit"),
]

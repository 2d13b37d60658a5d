from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/children/", views.children, name="children"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/move/", views.move, name="move"),
    path("<id:pk>/delete/", views.delete, name="delete"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<id:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<id:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<id:pk>/units/new/", views.unit_create, name="unit_create"),
    path("units/<id:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<id:pk>/delete/", views.unit_delete, name="unit_delete"),
]

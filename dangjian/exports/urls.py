from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("people/", views.download, {"kind": "people"}, name="people"),
    path("members/", views.download, {"kind": "members"}, name="members"),
    path("organizations/", views.download, {"kind": "organizations"}, name="organizations"),
    path("enterprises/", views.download, {"kind": "enterprises"}, name="enterprises"),
    path("units/", views.download, {"kind": "units"}, name="units"),
]

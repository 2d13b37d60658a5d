from django.urls import URLPattern, path

from . import views_entry as views

# The monthly form, the month's completeness, the definitions, one figure with its corrections
# and the values export.
urlpatterns: list[URLPattern] = [
    path("enterprise/<id:pk>/enter/", views.enter, name="enter"),
    path("enterprise/<id:pk>/month/", views.month, name="month"),
    path("enterprise/<id:pk>/definitions/", views.definitions, name="definitions"),
    path("enterprise/<id:pk>/definitions/new/", views.define, name="define"),
    path("enterprise/<id:pk>/values.xlsx", views.values_xlsx, name="values_xlsx"),
    path("definition/<id:pk>/edit/", views.edit_definition, name="edit_definition"),
    path("definition/<id:pk>/archive/", views.archive_definition, name="archive_definition"),
    path("value/<id:pk>/", views.value, name="value"),
]

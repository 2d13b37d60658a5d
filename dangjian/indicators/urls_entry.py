from django.urls import URLPattern

# The monthly form, the definitions, the corrections and the values export.
urlpatterns: list[URLPattern] = []

from django.urls import URLPattern

# The charts (team, enterprise, committee roll-up) and the effect analysis.
urlpatterns: list[URLPattern] = []

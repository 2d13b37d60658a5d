from django.urls import URLPattern, path

from . import views_charts

# The charts (team, enterprise, committee roll-up) and the effect analysis.
urlpatterns: list[URLPattern] = [
    path("", views_charts.home, name="home"),
    path("org/<id:pk>/", views_charts.rollup, name="rollup"),
    path("enterprise/<id:pk>/", views_charts.enterprise, name="enterprise"),
    path("team/<id:pk>/", views_charts.team, name="team"),
    path("analysis/", views_charts.analysis, name="analysis"),
    path("analysis.xlsx", views_charts.analysis_xlsx, name="analysis_xlsx"),
]

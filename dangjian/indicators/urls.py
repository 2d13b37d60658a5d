from django.urls import include, path

from . import urls_charts, urls_entry

app_name = "indicators"

# The figures' entry by the enterprise's staff, its definitions and corrections (urls_entry); the
# charts, roll-ups and the effect analysis (urls_charts).
urlpatterns = [
    path("", include(urls_entry.urlpatterns)),
    path("", include(urls_charts.urlpatterns)),
]

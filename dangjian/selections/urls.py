from django.urls import include, path

from . import urls_rounds, urls_vote

app_name = "selections"

# The organiser's and the nominees' pages (urls_rounds) and the vote's (urls_vote): ballots on a
# phone or by a sheet's code, the tellers' paper entry, the receipt check and the recount.
urlpatterns = [
    path("", include(urls_rounds.urlpatterns)),
    path("", include(urls_vote.urlpatterns)),
]

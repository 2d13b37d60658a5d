from django.urls import URLPattern, path

from . import views, views_vote

app_name = "appraisal"

# The rounds, a new round, a round (its steps and the officers' actions, posted to it), the
# member's self-assessment, a member in the mutual assessment, the rating's ballot and its paper
# sheets (the tellers' page), the results
# as Excel, and the person page's panel.
urlpatterns: list[URLPattern] = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<id:pk>/", views.round_page, name="round"),
    path("<id:pk>/self/", views.self_assessment, name="self"),
    path("<id:pk>/members/<id:pid>/", views.member, name="member"),
    path("<id:pk>/ballot/", views_vote.ballot, name="ballot"),
    path("<id:pk>/tellers/", views_vote.tellers, name="tellers"),
    path("<id:pk>/results.xlsx", views.download, name="download"),
    path("people/<id:pk>/", views.person_panel, name="person"),
]

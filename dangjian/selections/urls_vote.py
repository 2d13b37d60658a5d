from django.urls import URLPattern, path

from . import views_vote

# The vote's pages (views_vote). The ballot sheet's page and the receipt check without a login
# are public: a sheet's one-time code, or a receipt code, is the right to them.
urlpatterns: list[URLPattern] = [
    path("<id:pk>/ballot/", views_vote.ballot, name="ballot"),
    path("<id:pk>/sheets/", views_vote.sheets, name="sheets"),
    path("<id:pk>/tellers/", views_vote.tellers, name="tellers"),
    path("<id:pk>/paper-ballots.pdf", views_vote.paper_ballots, name="paper_ballots"),
    path("<id:pk>/count/", views_vote.count, name="count"),
    path("<id:pk>/receipt/", views_vote.receipt, name="receipt"),
    path("sheet/", views_vote.sheet, name="sheet"),
    path("receipt/", views_vote.receipt_check, name="receipt_check"),
]

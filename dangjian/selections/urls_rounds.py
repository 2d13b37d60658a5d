from django.urls import URLPattern, path

from . import downloads, views

# The organiser's and the nominees' pages: the rounds, a new round, a round (its phases, review,
# objections), nominations and their evidence, the public notice, certificates and the lists.
urlpatterns: list[URLPattern] = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<id:pk>/", views.round_page, name="round"),
    path("<id:pk>/nominate/", views.nominate, name="nominate"),
    path("<id:pk>/nominations/<id:nid>/", views.nomination, name="nomination"),
    path("<id:pk>/nominations/<id:nid>/files/<id:fid>/", views.evidence_file, name="evidence_file"),
    path("<id:pk>/notice/", views.notice, name="notice"),
    path("<id:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("<id:pk>/certificates.pdf", views.certificates, name="certificates"),
    *downloads.URLS,
]

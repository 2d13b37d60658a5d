from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("export/", views.export, name="export"),
    path("incoming/new/", views.register_incoming, name="register"),
    path("person/<id:pk>/", views.person_panel, name="person"),
    path("person/<id:pk>/issue/", views.issue, name="issue"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/accept/", views.accept, name="accept"),
    path("<id:pk>/return/", views.return_letter, name="return"),
    path("<id:pk>/cancel/", views.cancel, name="cancel"),
    path("<id:pk>/receipt/", views.receipt, name="receipt"),
    path("<id:pk>/verify/", views.verify, name="verify"),
    path("<id:pk>/place/", views.place, name="place"),
    path("<id:pk>/letter.pdf", views.letter_pdf, name="letter"),
]

from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("export/", views.export, name="export"),
    path("incoming/new/", views.register_incoming, name="register"),
    path("person/<int:pk>/", views.person_panel, name="person"),
    path("person/<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/return/", views.return_letter, name="return"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/place/", views.place, name="place"),
    path("<int:pk>/letter.pdf", views.letter_pdf, name="letter"),
]

from django.urls import path

from . import views

app_name = "branchlife"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.new, name="new"),
    path("register/", views.register_download, name="register"),
    path("calendar/", views.calendar, name="calendar"),
    path("frequency/<int:pk>/", views.frequency, name="frequency"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attendance/<int:attendance_pk>/", views.mark, name="mark"),
    path("<int:pk>/attendance/<int:attendance_pk>/remove/", views.uninvite, name="uninvite"),
    path("<int:pk>/all-present/", views.all_present, name="all_present"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/invitees/", views.invitees, name="invitees"),
    path("<int:pk>/check-in/", views.checkin, name="checkin"),
    path("<int:pk>/check-in/code/", views.checkin_qr, name="checkin_qr"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]

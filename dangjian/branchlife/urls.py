from django.urls import path

from . import views

app_name = "branchlife"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.new, name="new"),
    path("register/", views.register_download, name="register"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/roll-up.xlsx", views.rollup_download, name="rollup_download"),
    path("frequency/<id:pk>/", views.frequency, name="frequency"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/print/<str:kind>/", views.print_meeting, name="print"),
    path("<id:pk>/attendance/<id:attendance_pk>/", views.mark, name="mark"),
    path("<id:pk>/attendance/<id:attendance_pk>/remove/", views.uninvite, name="uninvite"),
    path("<id:pk>/all-present/", views.all_present, name="all_present"),
    path("<id:pk>/invite/", views.invite, name="invite"),
    path("<id:pk>/invitees/", views.invitees, name="invitees"),
    path("<id:pk>/check-in/", views.checkin, name="checkin"),
    path("<id:pk>/check-in/code/", views.checkin_qr, name="checkin_qr"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
]

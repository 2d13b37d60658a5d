from django.urls import path

from . import downloads, views

app_name = "production"

urlpatterns = [
    path("", views.page, name="page"),
    path("settings/", views.config, name="config"),
    path("charges/new/", views.charge_new, name="charge_new"),
    path("charges/<id:pk>/hand-over/", views.charge_hand_over, name="charge_hand_over"),
    path("charges/<id:pk>/end/", views.charge_end, name="charge_end"),
    path("pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairings/<id:pk>/", views.pairing, name="pairing"),
    path("pairings/<id:pk>/end/", views.pairing_end, name="pairing_end"),
    path("posts/", views.posts, name="posts"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<id:pk>/", views.post, name="post"),
    path("posts/<id:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<id:pk>/status/", views.post_status, name="post_status"),
    path("posts/<id:pk>/photo/", views.post_photo, name="post_photo"),
    path("posts/<id:pk>/sign.pdf", views.post_sign, name="post_sign"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<id:pk>/", views.course, name="course"),
    path("courses/<id:pk>/enrol/", views.course_enrol, name="course_enrol"),
    path("courses/<id:pk>/sessions/new/", views.session_new, name="session_new"),
    path("courses/<id:pk>/attendance/<id:attendance_pk>/", views.attendance, name="attendance"),
    path("trainees/<id:pk>/assess/", views.assess, name="assess"),
    *downloads.URLS,
    # The public page a sign's QR code opens: no login, only what the sign shows.
    path("p/<str:key>/", views.post_public, name="public"),
    path("p/<str:key>/photo/", views.post_public_photo, name="public_photo"),
]

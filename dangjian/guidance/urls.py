from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.page, name="page"),
    path("settings/", views.config, name="config"),
    path("declare/", views.declare, name="declare"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<id:pk>/", views.visit, name="visit"),
    path("visits/<id:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<id:pk>/photos/<id:photo_pk>/", views.visit_photo, name="visit_photo"),
    path("follow-ups/<id:pk>/close/", views.follow_up_close, name="follow_up_close"),
    path("appraisals/", views.appraisals, name="appraisals"),
    path("appraisals/instructors/<id:pk>/", views.appraisal_history, name="appraisal_history"),
    path("appraisals/instructors/<id:pk>/appraise/", views.appraise, name="appraise"),
    path("appraisals/opinion/", views.opinion, name="opinion"),
]

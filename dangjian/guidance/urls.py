from django.urls import path

from . import views, views_rollup
from .ratings import views as ratings

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
    path("ratings/", ratings.ratings, name="ratings"),
    path("ratings/schemes/new/", ratings.scheme_new, name="scheme_new"),
    path("ratings/schemes/<id:pk>/", ratings.scheme, name="scheme"),
    path("ratings/rounds/new/", ratings.round_new, name="round_new"),
    path("ratings/rounds/<id:pk>/", ratings.round_page, name="round"),
    path("ratings/candidates/<id:pk>/", ratings.candidate, name="candidate"),
    path("ratings/candidates/<id:pk>/certificate.pdf", ratings.certificate, name="certificate"),
    path("appraisals/", views.appraisals, name="appraisals"),
    path("appraisals/instructors/<id:pk>/", views.appraisal_history, name="appraisal_history"),
    path("appraisals/instructors/<id:pk>/appraise/", views.appraise, name="appraise"),
    path("appraisals/opinion/", views.opinion, name="opinion"),
    path("rollup/", views_rollup.rollup, name="rollup"),
    path("screen/", views_rollup.screen, name="screen"),
    path("screen/figures/", views_rollup.screen_figures, name="screen_figures"),
]

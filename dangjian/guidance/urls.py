from django.urls import path

from . import views, views_rollup

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
    path("rollup/", views_rollup.rollup, name="rollup"),
    path("screen/", views_rollup.screen, name="screen"),
    path("screen/figures/", views_rollup.screen_figures, name="screen_figures"),
]

from django.urls import URLPattern, path

from . import views

app_name = "dues"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("bands/", views.bands, name="bands"),
    path("bands/new/", views.band_new, name="band_new"),
    path("org/<id:pk>/", views.ledger, name="ledger"),
    path("org/<id:pk>/pay/", views.pay, name="pay"),
    path("org/<id:pk>/charge/", views.charge, name="charge"),
    path("org/<id:pk>/close/", views.close, name="close"),
    path("org/<id:pk>/reopen/", views.reopen, name="reopen"),
    path("org/<id:pk>/unpaid/", views.unpaid, name="unpaid"),
    path("org/<id:pk>/reliefs/", views.reliefs, name="reliefs"),
    path("org/<id:pk>/statement/", views.statement, name="statement"),
    path("org/<id:pk>/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("org/<id:pk>/handover/", views.handover, name="handover"),
    path("person/<id:pk>/", views.member, name="member"),
    path("person/<id:pk>/panel/", views.person_panel, name="person"),
    path("person/<id:pk>/base/", views.set_base, name="base"),
    path("base/<id:pk>/reveal/", views.base_reveal, name="base_reveal"),
    path("person/<id:pk>/payment/", views.payment, name="payment"),
    path("person/<id:pk>/voluntary/", views.voluntary, name="voluntary"),
    path("person/<id:pk>/relief/", views.relief, name="relief"),
]

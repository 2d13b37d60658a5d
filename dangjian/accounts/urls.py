from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("account/password/", views.password_change, name="password_change"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/logins/", views.sheets, name="sheets"),
    path("account/logins/give/", views.logins_give, name="logins_give"),
    path("account/logins/<id:pk>/", views.sheet, name="sheet"),
    path("account/logins/codes/<id:pk>/withdraw/", views.code_withdraw, name="code_withdraw"),
    path("roles/<str:kind>/<id:pk>/", views.roles, name="roles"),
    path("roles/assignment/<id:pk>/revoke/", views.role_revoke, name="role_revoke"),
]

# Login, logout and language sit outside the namespace, where Django's settings expect them.
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("activate/", views.activate, name="activate"),
    path("password/forgotten/", views.password_forgotten, name="password_forgotten"),
    path("password/reset/<str:uidb64>/<str:token>/", views.password_reset, name="password_reset"),
]

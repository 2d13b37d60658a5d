from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("account/password/", views.password_change, name="password_change"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("roles/<str:kind>/<id:pk>/", views.roles, name="roles"),
    path("roles/assignment/<id:pk>/revoke/", views.role_revoke, name="role_revoke"),
]

# Login, logout and language sit outside the namespace, where Django's settings expect them.
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
]

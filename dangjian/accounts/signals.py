"""Login events go to the audit log; the framework announces them only through signals. The
last login time is written here too, as bookkeeping that gives way to a busy database."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.access import services as access_services
from dangjian.audit import services as audit
from dangjian.audit.models import Action


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=Action.LOGIN, obj=user, changes={})


# Under the dispatch_uid of Django's own receiver (`update_last_login`, connected by auth's
# AppConfig.ready, which runs after this app's): connected first, this one takes its place. The
# last login time is information for administrators, not what signing in is for, so it never
# fails a login: while the database is busy it is skipped (the login event above is the record).
# The login event and the failed-login counters (django-axes) are not bookkeeping: the first is
# the audit trail, the second the brute-force protection, so both wait like any write.
@receiver(user_logged_in, dispatch_uid="update_last_login")
def _last_login(sender, request, user, **kwargs):
    access_services.note_last_login(user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=Action.LOGOUT, obj=user, changes={})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(actor=None, action=Action.LOGIN_FAILED, object_type="access.User", object_repr=username, changes={})

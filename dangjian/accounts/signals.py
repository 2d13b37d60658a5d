"""Login events go to the audit log; the framework announces them only through signals."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.audit import services as audit
from dangjian.audit.models import Action


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=Action.LOGIN, obj=user, changes={})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=Action.LOGOUT, obj=user, changes={})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(actor=None, action=Action.LOGIN_FAILED, object_type="access.User", object_repr=username, changes={})

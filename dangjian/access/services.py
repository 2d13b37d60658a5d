"""Writes to users, role assignments and API tokens, each audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit

from .models import ENTERPRISE_ROLES, ORG_ROLES, ApiToken, RoleAssignment, User, hash_token
from .scopes import forget_grants


@audit.write_transaction
def assign_role(*, actor: Any, user: User, role: str, organization=None, enterprise=None) -> RoleAssignment:
    if role in ORG_ROLES and organization is None:
        raise ValidationError({"organization": _("This role is held on a party organisation.")})
    if role in ENTERPRISE_ROLES and enterprise is None:
        raise ValidationError({"enterprise": _("This role is held on an enterprise.")})
    ra = RoleAssignment(
        user=user,
        role=role,
        organization=organization if role in ORG_ROLES else None,
        enterprise=enterprise if role in ENTERPRISE_ROLES else None,
    )
    if RoleAssignment.objects.filter(
        user=user, role=role, organization=ra.organization, enterprise=ra.enterprise
    ).exists():
        raise ValidationError(_("%(user)s already holds this role there.") % {"user": user})
    ra.full_clean()
    ra.save()
    audit.record_create(actor, ra)
    forget_grants(user)
    return ra


@audit.write_transaction
def revoke_role(*, actor: Any, assignment: RoleAssignment) -> None:
    before, pk, path = audit.snapshot(assignment), assignment.pk, assignment.audit_org_path()
    assignment.delete()
    audit.record_delete(actor, assignment, before, pk, path)


def _ra_audit_path(self: RoleAssignment) -> str:
    if self.organization_id:
        return self.organization.path
    return self.enterprise.audit_org_path() if self.enterprise_id else ""


RoleAssignment.audit_org_path = _ra_audit_path


@audit.write_transaction
def create_user(*, actor: Any, username: str, password: str | None, person=None, **fields: Any) -> User:
    user = User(username=username, person=person, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_create(actor, user)
    return user


@audit.write_transaction
def set_language(*, actor: Any, user: User, language: str) -> None:
    if user.language == language:
        return
    before = audit.snapshot(user)
    user.language = language
    user.save(update_fields=["language"])
    audit.record_update(actor, user, before)


@audit.write_transaction
def change_password(*, actor: Any, user: User, password: str) -> None:
    before = audit.snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record_update(actor, user, before)


@audit.write_transaction
def create_token(*, actor: Any, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)  # a time without a zone is Beijing time
        if expires_at <= timezone.now():
            raise ValidationError({"expires_at": [_("The expiry time must be in the future.")]})
    raw = ApiToken.new_raw()
    token = ApiToken(
        user=user, name=name.strip() or _("API token"), token_hash=hash_token(raw), hint=raw[:8], expires_at=expires_at
    )
    token.full_clean()
    token.save()
    audit.record_create(actor, token)
    return token, raw


@audit.write_transaction
def revoke_token(*, actor: Any, token: ApiToken) -> None:
    before = audit.snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record_update(actor, token, before)


def user_for_token(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    # Touch at most once a minute: a read-heavy integration should not write on every call.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

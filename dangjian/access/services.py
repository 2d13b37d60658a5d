"""Writes to users, role assignments and API tokens, each audited."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.busy import write_if_free

from .models import ENTERPRISE_ROLES, ORG_ROLES, ApiToken, RoleAssignment, User, hash_token
from .scopes import forget_grants

if TYPE_CHECKING:  # annotations only: access is below the apps whose models it names
    from dangjian.organizations.models import Enterprise, Organization
    from dangjian.people.models import Person


@audit.write_transaction
def assign_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    organization: Organization | None = None,
    enterprise: Enterprise | None = None,
    started_on: dt.date | None = None,
) -> RoleAssignment:
    if role in ORG_ROLES and organization is None:
        raise ValidationError({"organization": _("This role is held on a party organisation.")})
    if role in ENTERPRISE_ROLES and enterprise is None:
        raise ValidationError({"enterprise": _("This role is held on an enterprise.")})
    ra = RoleAssignment(
        user=user,
        role=role,
        organization=organization if role in ORG_ROLES else None,
        enterprise=enterprise if role in ENTERPRISE_ROLES else None,
        started_on=started_on or timezone.localdate(),
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
def revoke_role(*, actor: User | None, assignment: RoleAssignment) -> None:
    before, pk, path = audit.snapshot(assignment), assignment.pk, assignment.audit_org_path()
    assignment.delete()
    audit.record_delete(actor, assignment, before, pk, path)


@audit.write_transaction
def create_user(
    *, actor: User | None, username: str, password: str | None, person: Person | None = None, **fields: Any
) -> User:
    user = User(username=username, person=person, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_create(actor, user)
    return user


def new_usernames(n: int) -> list[str]:
    """`n` login names nobody has: "dj" and six digits, easy to read out and type."""
    names: list[str] = []
    while len(names) < n:
        wanted = {f"dj{secrets.randbelow(900000) + 100000}" for _ in range(n - len(names) + 8)} - set(names)
        taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        names.extend(sorted(wanted - taken)[: n - len(names)])
    return names


@audit.write_transaction
def create_users_without_password(*, actor: User | None, people: list[tuple[str, Person]]) -> list[User]:
    """Logins for these (login name, person) pairs, with no password yet (an activation code lets
    each person set theirs): one insert and one batch of events, for a whole workforce at once."""
    users = []
    for username, person in people:
        user = User(username=username, person=person)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    audit.record_many(actor=actor, drafts=[audit.create_draft(u) for u in users])
    return users


@audit.write_transaction
def set_language(*, actor: User | None, user: User, language: str) -> None:
    if user.language == language:
        return
    before = audit.snapshot(user)
    user.language = language
    user.save(update_fields=["language"])
    audit.record_update(actor, user, before)


@audit.write_transaction
def change_password(*, actor: User | None, user: User, password: str) -> None:
    before = audit.snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record_update(actor, user, before)


@audit.write_transaction
def create_token(
    *, actor: User | None, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
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
def revoke_token(*, actor: User | None, token: ApiToken) -> None:
    before = audit.snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record_update(actor, token, before)


def user_for_token(raw: str) -> User | None:
    """The user a personal access token stands for, or None. Raises AccountLocked while the user
    is locked out after failed logins (see `login_lockout`)."""
    since = _lockout_window_start()
    tokens = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw))
    # Whether the user has failed logins recent enough to count is asked in the same query, so an
    # ordinary call costs nothing more; only then is the lockout worked out.
    recent = AccessAttempt.objects.filter(username=OuterRef("user__username"))
    if since is not None:
        recent = recent.filter(attempt_time__gte=since)
    token = tokens.annotate(failed_logins=Exists(recent)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if token.failed_logins:
        lockout = login_lockout(token.user)
        if lockout is not None:
            _record_locked_refusal(token, lockout)
            raise AccountLocked(token.user, lockout)
    # Touch at most once a minute: a read-heavy integration should not write on every call. The
    # last use is bookkeeping, not what the caller asked for: it never waits for a busy database
    # (an import holding the write lock) and is skipped then; a later call records it.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        write_if_free(
            partial(ApiToken.objects.filter(pk=token.pk).update, last_used_at=now), what="an API token's last use"
        )
    return token.user


def note_last_login(user: User) -> None:
    """The user's last login time: information for administrators, not what signing in is for,
    so it gives way to a busy database (skipped then; the login's audit event is the record)."""
    now = timezone.now()
    if write_if_free(partial(User.objects.filter(pk=user.pk).update, last_login=now), what="a user's last login"):
        user.last_login = now


# --- login lockout (django-axes) -------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    until: dt.datetime | None  # None: until an administrator unlocks the account (no cool-off set)


class AccountLocked(Exception):
    """A locked-out user's credential other than the password (an API token) was refused."""

    def __init__(self, user: User, lockout: Lockout) -> None:
        super().__init__(user.get_username())
        self.user, self.lockout = user, lockout


def _lockout_window_start() -> dt.datetime | None:
    cool_off = get_cool_off()
    return timezone.now() - cool_off if cool_off is not None else None


def login_lockout(user: User) -> Lockout | None:
    """The user's login lockout, if one is in force, and when it ends.

    django-axes locks a username *from one address* (AXES_LOCKOUT_PARAMETERS) once its failures
    there within the cool-off reach AXES_FAILURE_LIMIT. A token caller has no address in common
    with those logins, so here a lockout of the username from any address counts: the account is
    under attack, and its other credentials wait too. The lockout ends when enough of the failures
    have aged out of the cool-off: for each address, the failures newest first reach the limit at
    some row, whose time plus the cool-off is the end; the latest end over the addresses wins.
    Reads axes' database handler's table (AXES_HANDLER's default)."""
    username = user.get_username()
    limit = get_failure_limit(None, {"username": username})
    cool_off = get_cool_off()
    since = _lockout_window_start()
    attempts = AccessAttempt.objects.filter(username=username)
    if since is not None:
        attempts = attempts.filter(attempt_time__gte=since)
    by_address: dict[str | None, list[tuple[dt.datetime, int]]] = {}
    for address, at, failures in attempts.values_list("ip_address", "attempt_time", "failures_since_start"):
        by_address.setdefault(address, []).append((at, failures))
    ends: list[dt.datetime | None] = []
    for rows in by_address.values():
        total = 0
        for at, failures in sorted(rows, reverse=True):
            total += failures
            if total >= limit:
                ends.append(at + cool_off if cool_off is not None else None)
                break
    if not ends:
        return None
    if None in ends:
        return Lockout(until=None)
    return Lockout(until=max(e for e in ends if e is not None))


def _record_locked_refusal(token: ApiToken, lockout: Lockout) -> None:
    """One audit event a minute per token while it is refused: a polling integration would
    otherwise write one per call."""
    if not cache.add(f"access:locked-refusal:{token.pk}", 1, timeout=60):
        return
    until = timezone.localtime(lockout.until).isoformat() if lockout.until else None
    audit.record(
        actor=None,
        action=Action.LOGIN_FAILED,
        obj=token.user,
        changes={"via": "api_token", "token": token.hint, "locked_until": until},
    )


@audit.write_transaction
def unlock_login(*, actor: User | None, user: User) -> int:
    """Lift a login lockout (every address's failed logins of the username): the password and
    the user's API tokens work again at once. Returns how many failure records were cleared."""
    was_locked = login_lockout(user) is not None
    cleared = int(axes_reset(username=user.get_username()))
    if was_locked or cleared:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=user,
            changes={"login_lockout": ["locked" if was_locked else "failed logins", "unlocked"]},
        )
    return cleared

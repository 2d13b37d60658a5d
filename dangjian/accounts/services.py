"""Giving logins with one-time codes, and using a code to activate a login or set a new password.

The flow (docs/architecture.md, "Logins for everyone"): whoever may give logins
(`access.permissions.login_people`) chooses people from a list filter or a person's page; each
gets a login name and a code on a printed sheet. The person opens the page the sheet's QR code
points to, types the code and the last six characters of their ID number, and chooses their own
password: nobody but them ever knows it. A code works once, until it expires, and only until
`AXES_FAILURE_LIMIT` wrong attempts; a network that keeps guessing waits like a failed login.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.access import selectors as access_selectors
from dangjian.access import services as access_services
from dangjian.access.permissions import may_assign_roles
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.people.crypto import blind_index

from .models import Activation, LoginSheet

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.people.models import Person

# No 0/O, 1/I/L: a code is read off paper and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 2**49.5, guessed at most AXES_FAILURE_LIMIT times per code
ID_TAIL = 6
MAX_PER_SHEET = 2000  # one sheet is given in one transaction
RESET_MAILS_PER_LOGIN = 3  # links e-mailed to one login within the cool-off

log = logging.getLogger(__name__)
DAYS_CHOICES = (7, 14, 30)
# What giving codes reads of each person (their login; where their events are filed): pass
# people loaded with these, or each costs queries of its own.
PEOPLE_RELATED = ("user", "party_org", "employer__supervising_org")
DEFAULT_DAYS = 14

# Why someone gets no code (shown on the confirm page, grouped).
NO_ID = gettext_lazy("no ID number on record: the code is confirmed with its last six characters")
OFFICER = gettext_lazy(
    "an officer who already signs in, holds a role you may not give, or runs the platform: their own "
    "organisation department or a platform administrator sees to their login"
)
ACTIVE = gettext_lazy("already signs in with their own password")
SWITCHED_OFF = gettext_lazy("their login was switched off by a platform administrator")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """A code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalised(text: str) -> str:
    """A typed code as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def index_of(code: str) -> str:
    return blind_index("login code:" + code)


# --- who gets what -----------------------------------------------------------------------------


@dataclass
class Plan:
    """What giving logins to these people would do, before anything is written."""

    new_logins: list[Person] = field(default_factory=list)  # no login yet: one is made
    new_codes: list[Person] = field(default_factory=list)  # a login never activated: a fresh code
    resets: list[Person] = field(default_factory=list)  # a password reset (one person, asked for)
    skipped: dict[str, list[Person]] = field(default_factory=dict)  # reason → people

    @property
    def given(self) -> list[Person]:
        return self.new_logins + self.new_codes + self.resets

    @property
    def skipped_count(self) -> int:
        return sum(len(p) for p in self.skipped.values())


def plan(people: Sequence[Person], *, reset: bool = False, giver: User | None = None) -> Plan:
    """Sort `people` (in the giver's reach already) by what they would get. With `reset`, someone
    who already signs in gets a password-reset code (asked for one person at a time).

    A role holder whose login was never activated (a county's secretaries and instructors, their
    logins made by the role holders' import) gets a code from a `giver` who may give every role
    that login holds (access.permissions.may_assign_roles; None: the system) — the county's
    organisation department for its own officers, never a manager for another enterprise's, nor a
    county for a prefecture's. An officer who already signs in gets no reset from a sheet, nor
    does a platform administrator: whoever printed it could take over an officer's login."""
    result = Plan()
    with_users = [p.user.pk for p in people if getattr(p, "user", None) is not None]
    with_roles = access_selectors.users_holding_roles(with_users)
    anchors = access_selectors.role_anchors(with_roles) if giver is not None and with_roles else {}

    def may_give(user: User) -> bool:
        if user.pk not in with_roles:
            return True
        if user.has_usable_password():
            return False
        return giver is None or all(may_assign_roles(giver, a) for a in anchors.get(user.pk, []))

    for person in people:
        user = getattr(person, "user", None)
        reason = None
        if not person.id_number:
            reason = NO_ID
        elif user is not None and (user.is_staff or user.is_superuser or not may_give(user)):
            reason = OFFICER
        elif user is not None and not user.is_active:
            reason = SWITCHED_OFF
        elif user is not None and user.has_usable_password() and not reset:
            reason = ACTIVE
        if reason is not None:
            result.skipped.setdefault(str(reason), []).append(person)
        elif user is None:
            result.new_logins.append(person)
        elif user.has_usable_password():
            result.resets.append(person)
        else:
            result.new_codes.append(person)
    return result


@dataclass(frozen=True)
class Given:
    sheet: LoginSheet
    new_logins: int
    new_codes: int
    resets: int


@audit.write_transaction
def give_logins(
    *, actor: User, people: Sequence[Person], days: int = DEFAULT_DAYS, label: str = "", reset: bool = False
) -> Given:
    """Codes for those of `people` who may have one (see `plan`), on a new sheet: logins made
    for those without, older unused codes withdrawn. The caller narrowed `people` to the actor's
    reach (access.permissions.login_people). All or nothing."""
    if days not in DAYS_CHOICES:
        raise ValidationError({"days": _("Choose how long the codes stay valid: 7, 14 or 30 days.")})
    todo = plan(people, reset=reset, giver=actor)
    given = todo.given
    if not given:
        raise ValidationError(_("None of these people can be given a code: see the reasons listed."))
    if len(given) > MAX_PER_SHEET:
        raise ValidationError(
            _("%(n)d people would get a code; one sheet holds at most %(max)d. Narrow the list and give them in parts.")
            % {"n": len(given), "max": MAX_PER_SHEET}
        )
    now = timezone.now()
    expires = now + dt.timedelta(days=days)
    sheet = LoginSheet(issued_by=actor, created_at=now, expires_at=expires, label=label[:200])
    sheet.full_clean()
    sheet.save()
    audit.record_create(actor, sheet)
    names = access_services.new_usernames(len(todo.new_logins))
    made = access_services.create_users_without_password(
        actor=actor, people=list(zip(names, todo.new_logins, strict=True))
    )
    for person, user in zip(todo.new_logins, made, strict=True):
        person.user = user
    users = [(p.user, Activation.Purpose.ACTIVATE) for p in todo.new_logins + todo.new_codes]
    users += [(p.user, Activation.Purpose.RESET) for p in todo.resets]
    _withdraw_open([u.pk for u, _p in users], actor, now)
    activations = []
    for user, purpose in users:
        code = new_code()
        activations.append(
            Activation(
                sheet=sheet,
                user=user,
                purpose=purpose,
                code_index=index_of(code),
                code_sealed=code,
                hint=code[:5],
                created_at=now,
                expires_at=expires,
            )
        )
    Activation.objects.bulk_create(activations, batch_size=500)
    audit.record_many(actor=actor, drafts=[audit.create_draft(a) for a in activations])
    return Given(sheet, len(todo.new_logins), len(todo.new_codes), len(todo.resets))


def _withdraw_open(user_ids: list[int], actor: User | None, now: dt.datetime, *, keep: int | None = None) -> None:
    """Withdraw the users' codes still unused (a newer one replaces them, or one was just used)."""
    open_ = Activation.objects.filter(user_id__in=user_ids, used_at__isnull=True, revoked_at__isnull=True)
    if keep is not None:
        open_ = open_.exclude(pk=keep)
    withdrawn = list(open_.select_related("user__person__party_org", "user__person__employer__supervising_org"))
    if not withdrawn:
        return
    drafts = []
    for activation in withdrawn:
        before = audit.snapshot(activation)
        activation.revoked_at = now
        activation.code_sealed = ""
        draft = audit.update_draft(activation, before)
        if draft is not None:
            drafts.append(draft)
    Activation.objects.filter(pk__in=[a.pk for a in withdrawn]).update(revoked_at=now, code_sealed="")
    audit.record_many(actor=actor, drafts=drafts)


@audit.write_transaction
def withdraw(*, actor: User, activation: Activation) -> None:
    """Withdraw an unused code (a lost card), and with it any other open code of its login."""
    if activation.used_at is not None or activation.revoked_at is not None:
        raise ValidationError(_("This code is no longer open: it was used or withdrawn already."))
    _withdraw_open([activation.user_id], actor, timezone.now())


# --- using a code --------------------------------------------------------------------------------


def failure_limit() -> int:
    return int(getattr(settings, "AXES_FAILURE_LIMIT", 5))


def _address_key(address: str) -> str:
    return f"accounts:code-failures:{address}"


def _cool_off_seconds() -> int:
    return int(float(getattr(settings, "AXES_COOLOFF_TIME", 0.5) or 0.5) * 3600)


def _count(key: str) -> int:
    value = cache.get(key)
    return int(value[0]) if value else 0


def _bump(key: str) -> int:
    """One more in a counter that lives for the cool-off from its first count (set with its
    lifetime each time: a cache's `incr` may keep a key for its default lifetime instead)."""
    now = time.time()
    count, first = cache.get(key) or (0, now)
    left = _cool_off_seconds() - (now - first)
    if left <= 0:
        count, first, left = 0, now, _cool_off_seconds()
    cache.set(key, (count + 1, first), timeout=max(1, int(left)))
    return count + 1


def address_blocked(address: str) -> bool:
    """Whether this network has typed too many wrong codes or ID endings within the cool-off."""
    return _count(_address_key(address)) >= settings.LOGIN_CODE_FAILURES_PER_ADDRESS


def _note_address_failure(address: str) -> None:
    _bump(_address_key(address))


def _refusal(activation: Activation | None, now: dt.datetime) -> str | None:
    if activation is None:
        return _("This code is not known. Check it against your sheet: it has ten letters and digits.")
    if activation.used_at is not None:
        return _("This code has been used already. Sign in with your login name and password, or ask for a new code.")
    if activation.revoked_at is not None:
        return _("This code was replaced by a newer one or withdrawn. Use the newest code you were given.")
    if activation.expires_at <= now:
        return _("This code expired on %(date)s. Ask whoever gave it for a new one.") % {
            "date": formats.date_format(timezone.localtime(activation.expires_at), "SHORT_DATETIME_FORMAT")
        }
    if activation.failures >= failure_limit():
        return _("This code is locked after too many wrong ID endings. Ask whoever gave it for a new one.")
    user = activation.user
    if not user.is_active:
        return _("This login was switched off by a platform administrator.")
    if (
        user.is_staff
        or user.is_superuser
        or access_selectors.users_holding_roles([user.pk], since=activation.created_at)
        or (
            (activation.purpose == Activation.Purpose.RESET or user.has_usable_password())
            and access_selectors.users_holding_roles([user.pk])
        )
    ):
        # Given to a worker who has since become an officer, or a reset of an officer's password:
        # the giver must not hold a way in. A code given to a role holder who never signed in
        # (plan) activates their login.
        return _("This login now holds a role: a platform administrator resets its password.")
    return None


def find(code: str) -> Activation | None:
    code = normalised(code)
    if len(code) != CODE_LENGTH:
        return None
    return (
        Activation.objects.select_related("user__person__party_org", "user__person__employer")
        .filter(code_index=index_of(code))
        .first()
    )


def use_code(*, code: str, id_tail: str, password: str, address: str) -> User:
    """Activate a login or set a new password with a code. Raises ValidationError keyed by the
    form's fields ("code", "id_tail", "password1") saying what is wrong and what to do."""
    if address_blocked(address):
        raise ValidationError(
            _("Too many wrong codes or ID endings from this network. Wait %(minutes)d minutes and try again.")
            % {"minutes": max(1, _cool_off_seconds() // 60)}
        )
    now = timezone.now()
    activation = find(code)
    refusal = _refusal(activation, now)
    if refusal is not None or activation is None:
        _note_address_failure(address)
        raise ValidationError({"code": refusal})
    person = activation.user.person
    expected = (person.id_number if person is not None else "").strip().upper()[-ID_TAIL:]
    typed = normalised(id_tail)[-ID_TAIL:]
    if len(expected) != ID_TAIL or not hmac.compare_digest(typed.encode(), expected.encode()):
        left = _record_wrong_tail(activation, address)
        raise ValidationError(
            {
                "id_tail": (
                    ngettext(
                        "These are not the last six characters of your ID number. %(n)d attempt left.",
                        "These are not the last six characters of your ID number. %(n)d attempts left.",
                        left,
                    )
                    % {"n": left}
                    if left
                    else _(
                        "These are not the last six characters of your ID number, and the code is now locked. "
                        "Ask whoever gave it for a new one."
                    )
                )
            }
        )
    try:
        validate_password(password, activation.user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    return _consume(activation, password)


def _record_wrong_tail(activation: Activation, address: str) -> int:
    """One more wrong attempt on the code, recorded like a failed login; how many are left."""
    _note_address_failure(address)

    @audit.write_transaction
    def write() -> int:
        Activation.objects.filter(pk=activation.pk).update(failures=F("failures") + 1)
        failures = Activation.objects.values_list("failures", flat=True).get(pk=activation.pk)
        audit.record(
            actor=None,
            action=Action.LOGIN_FAILED,
            obj=activation.user,
            changes={"via": "login code", "code": activation.pk, "wrong_attempts": failures},
        )
        return max(0, failure_limit() - failures)

    return write()


@audit.write_transaction
def _consume(activation: Activation, password: str) -> User:
    user = activation.user
    now = timezone.now()
    # The code is taken in the same statement that checks it is still open: two submissions of
    # one code at once cannot both set a password.
    taken = Activation.objects.filter(
        pk=activation.pk,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
        failures__lt=failure_limit(),
    ).update(used_at=now, code_sealed="")
    if not taken:
        raise ValidationError(
            {"code": _("This code has been used already. Sign in with your login name and password.")}
        )
    before = audit.snapshot(activation)
    activation.used_at, activation.code_sealed = now, ""
    audit.record_update(user, activation, before)
    _withdraw_open([user.pk], None, now, keep=activation.pk)
    access_services.change_password(actor=user, user=user, password=password)
    access_services.unlock_login(actor=user, user=user)
    return user


# --- reading -------------------------------------------------------------------------------------


def open_codes(sheet: LoginSheet, now: dt.datetime | None = None) -> QuerySet[Activation]:
    """The sheet's codes that still work (those a printed sheet is for)."""
    now = now or timezone.now()
    return sheet.codes.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now).filter(
        failures__lt=failure_limit()
    )


def sheet_summary(given: Given) -> str:
    parts = []
    if given.new_logins:
        parts.append(ngettext("%(n)d new login", "%(n)d new logins", given.new_logins) % {"n": given.new_logins})
    if given.new_codes:
        parts.append(ngettext("%(n)d fresh code", "%(n)d fresh codes", given.new_codes) % {"n": given.new_codes})
    if given.resets:
        parts.append(ngettext("%(n)d password reset", "%(n)d password resets", given.resets) % {"n": given.resets})
    return ", ".join(parts)


# --- a new password by e-mail (where SMTP is set) -------------------------------------------------


def _mail_key(address: str) -> str:
    return f"accounts:reset-mails:{address}"


def send_reset_link(*, login: str, address: str, link: Callable[[User], str]) -> None:
    """E-mail a link to set a new password to the login named (its name or e-mail address), if
    it has an e-mail address and signs in with a password. Says nothing of whether it exists
    (the page answers the same either way, and a mail server's failure is logged, not shown);
    at most LOGIN_CODE_FAILURES_PER_ADDRESS requests per network and RESET_MAILS_PER_LOGIN
    links per login within the cool-off."""
    if _bump(_mail_key(address)) > settings.LOGIN_CODE_FAILURES_PER_ADDRESS:
        raise ValidationError(
            _("Too many requests from this network. Wait %(minutes)d minutes and try again.")
            % {"minutes": max(1, _cool_off_seconds() // 60)}
        )
    user = access_selectors.user_for_reset(login)
    if user is None or _bump(f"accounts:reset-mails-to:{user.pk}") > RESET_MAILS_PER_LOGIN:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render_to_string("accounts/reset_email.txt", {"user": user, "link": link(user)})
        try:
            send_mail(_("[Dangjian] Set a new password"), text, None, [user.email], fail_silently=False)
        except Exception:  # the transport: logged for the operator, the page answers the same
            log.exception("Password reset e-mail to user %s failed", user.pk)


@audit.write_transaction
def set_password_by_link(*, user: User, password: str) -> None:
    """The password chosen through an e-mailed link: recorded, and a lockout lifted, together."""
    access_services.change_password(actor=user, user=user, password=password)
    access_services.unlock_login(actor=user, user=user)

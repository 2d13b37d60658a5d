"""Writes for notifications — the one way a capability tells a user something: in-app
notifications written in bulk (`notify_many`, each in its recipient's language, never twice under
one key), copied by e-mail (`send_emails`), and marking them read.

The capabilities decide what to say and to whom (development's reminders, birthdays' greetings);
this module writes the rows, and the day's run's audit event (`record_run`) with the figures each
capability gives.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action

from . import selectors
from .models import Notification

if TYPE_CHECKING:
    from dangjian.access.models import User

log = logging.getLogger(__name__)


def language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Draft:
    """A notification to write: `texts()` gives its title and body, called in the recipient's
    language only when it is written."""

    user: User
    kind: str
    key: str
    url: str
    texts: Callable[[], tuple[str, str]]


@audit.write_transaction
def notify_many(*, drafts: Sequence[Draft], sent_on: dt.date) -> list[Notification]:
    """Write the drafts as notifications in one insert, each in its recipient's language, leaving
    out any whose (user, key) was already sent — earlier, or earlier in `drafts`. The caller
    records what the run was (its audit event), in the same transaction."""
    sent = selectors.sent_keys({d.user.pk for d in drafts}, {d.key for d in drafts})
    rows: list[Notification] = []
    for d in drafts:
        if (d.user.pk, d.key) in sent:
            continue
        sent.add((d.user.pk, d.key))
        with translation.override(language_of(d.user)):
            title, body = d.texts()
        rows.append(
            Notification(user=d.user, kind=d.kind, key=d.key, title=title[:300], body=body, url=d.url, sent_on=sent_on)
        )
    Notification.objects.bulk_create(rows)
    return rows


def notify_event(
    *,
    actor: User | None,
    users: Iterable[User],
    kind: str,
    key: str,
    url: str,
    texts: Callable[[], tuple[str, str]],
    about: Any,
) -> list[Notification]:
    """Tell `users` at once of something that just happened (an application, a meeting planned
    or changed, a step of someone's application), in the transaction that made it: one
    notification each in their language, never the same `key` twice to one user, and one audit
    event on `about` naming who was told. The actor is not told of their own act."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active and u != actor}
    if not recipients:
        return []
    rows = notify_many(
        drafts=[Draft(u, kind, key, url, texts) for u in recipients.values()], sent_on=timezone.localdate()
    )
    if rows:
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=about,
            changes={"notified": kind, "users": [r.user_id for r in rows]},
        )
    return rows


def record_run(*, actor: User | None, today: dt.date, object_type: str, name: str, figures: dict[str, int]) -> None:
    """The audit event of a day's run of notifications (reminders, greetings), in the transaction
    that wrote them: `name` and the day, with the day and the run's `figures` as its changes."""
    day = today.isoformat()
    audit.record(
        actor=actor,
        action=Action.CREATE,
        object_type=object_type,
        object_id=day,
        object_repr=f"{name} {day}",
        changes={"today": day, **figures},
    )


def send_emails(rows: list[Notification], *, many: Callable[[int], str], footer: str | Promise) -> tuple[int, int]:
    """Copy notifications just written to their recipients who have an e-mail address: one
    message per recipient, in their language, titled by the notification when there is one and
    by `many(n)` otherwise, ending with `footer` (a lazy text). Runs after the notifications
    committed: a mail server that fails cannot take them back. Returns (sent, failed)."""
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for n in rows:
        if n.user.email:
            by_user.setdefault(n.user.pk, (n.user, []))[1].append(n)
    sent = failed = 0
    for user, notes in by_user.values():
        try:
            _email(user, notes, many, footer)
        except Exception:  # any transport error: count it, keep mailing the others
            log.exception("Notification e-mail to user %s failed", user.pk)
            failed += 1
        else:
            sent += 1
    return sent, failed


def _email(user: User, rows: list[Notification], many: Callable[[int], str], footer: str | Promise) -> None:
    with translation.override(language_of(user)):
        subject = rows[0].title if len(rows) == 1 else many(len(rows))
        subject = _("[Dangjian] %(subject)s") % {"subject": subject}
        text = render_to_string(
            "notifications/email.txt",
            {
                "user": user,
                "notifications": rows,
                "footer": str(footer),
                "site": getattr(settings, "SITE_URL", "").rstrip("/"),
            },
        )
    send_mail(subject, text, None, [user.email], fail_silently=False)


@audit.write_transaction
def mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.user_id != getattr(actor, "pk", None):
        raise PermissionError("A notification is read by its own recipient only.")
    if notification.read_at is None:
        before = audit.snapshot(notification)
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record_update(actor, notification, before)
    return notification


@audit.write_transaction
def mark_all_read(*, actor: User) -> int:
    count = Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            object_type=Notification._meta.label,
            object_repr=f"{count} notifications",
            changes={"marked_read": count},
        )
    return count

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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.audit import services as audit
from dangjian.audit.models import Action

from . import robots, selectors
from .delivery import language_of as language_of  # re-exported: the capabilities' ways
from .delivery import send_emails as send_emails
from .models import Kind, Notification, Preference, Robot

if TYPE_CHECKING:
    from dangjian.access.models import User

log = logging.getLogger(__name__)


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
        ids = [r.pk for r in rows]
        transaction.on_commit(lambda: _deliver_later(ids))
    return rows


def _deliver_later(ids: list[int]) -> None:
    """Copies of event notifications go out in the background (a robot that does not answer must
    not hold up the page that made the event)."""
    from .tasks import deliver_task  # loaded with the first event, like the task backend

    deliver_task.enqueue(notification_ids=ids)


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


# --- where a user receives them ------------------------------------------------------------------


@audit.write_transaction
def set_preferences(*, actor: User, choices: dict[str, tuple[bool, bool]]) -> int:
    """The actor's (e-mail, robot) choice per kind; returns how many kinds changed."""
    existing = {p.kind: p for p in Preference.objects.filter(user=actor)}
    changed = 0
    for kind, (email, robot) in choices.items():
        if kind not in Kind.values:
            continue
        pref = existing.get(kind)
        if pref is None:
            if email and robot:
                continue  # the default: no row
            pref = Preference(user=actor, kind=kind, email=email, robot=robot)
            pref.save()
            audit.record_create(actor, pref)
            changed += 1
        elif (pref.email, pref.robot) != (email, robot):
            before = audit.snapshot(pref)
            pref.email, pref.robot = email, robot
            pref.save(update_fields=["email", "robot"])
            audit.record_update(actor, pref, before)
            changed += 1
    return changed


@audit.write_transaction
def add_robot(*, actor: User, platform: str, name: str, url: str, secret: str = "") -> Robot:
    url, secret = url.strip(), secret.strip()
    if not robots.host_allowed(platform, url):
        hosts = ", ".join(robots.allowed_hosts(platform)) or "—"
        raise ValidationError(
            {
                "url": _(
                    "This is not the webhook address of that platform's robot: it must start with https://%(hosts)s/…"
                )
                % {"hosts": hosts}
            }
        )
    robot = Robot(user=actor, platform=platform, name=name.strip(), url=url, secret=secret)
    robot.full_clean()
    robot.save()
    audit.record_create(actor, robot)
    return robot


@audit.write_transaction
def remove_robot(*, actor: User, robot: Robot) -> None:
    if robot.user_id != actor.pk:
        raise PermissionError("A robot is removed by its owner only.")
    before, pk = audit.snapshot(robot), robot.pk
    robot.delete()
    audit.record_delete(actor, robot, before, pk, "")


def test_robot(*, actor: User, robot: Robot) -> bool:
    """Send a test message to the robot; whether it arrived (its error is kept on it)."""
    with translation.override(language_of(actor)):
        message = robots.Message(
            _("[Dangjian] Test message"),
            [_("Notifications for %(name)s will arrive in this group.") % {"name": actor.get_username()}],
        )
    try:
        robots.send(robot.platform, robot.url, robot.secret, message)
    except Exception as exc:  # RobotError, or anything unforeseen: said on the robot, not a 500
        Robot.objects.filter(pk=robot.pk).update(last_error=str(exc)[:300])
        return False
    Robot.objects.filter(pk=robot.pk).update(last_sent_at=timezone.now(), last_error="")
    return True

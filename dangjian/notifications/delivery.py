"""Copies of notifications beyond the inbox: by e-mail and to group-chat robots, as each
recipient chose per kind (`Preference`). The daily runs call `send_emails` after their
notifications commit; event notifications are copied by `tasks.deliver_task`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import robots, selectors
from .models import Notification, Robot

if TYPE_CHECKING:
    from dangjian.access.models import User

log = logging.getLogger(__name__)


def language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def send_emails(rows: list[Notification], *, many: Callable[[int], str], footer: str | Promise) -> tuple[int, int]:
    """Copy notifications just written beyond the inbox, as each recipient chose per kind
    (`Preference`; by default both): by e-mail to those with an address, one message per
    recipient in their language, titled by the notification when there is one and by `many(n)`
    otherwise, ending with `footer` (a lazy text); and to each of their group-chat robots, one
    message each. Runs after the notifications committed: a mail server or robot that fails
    cannot take them back (a robot's failure is kept on it for its owner to see). Returns the
    e-mails (sent, failed)."""
    prefs = selectors.preferences_of({n.user_id for n in rows})
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    to_robots: dict[int, tuple[User, list[Notification]]] = {}
    for n in rows:
        by_email, by_robot = prefs.get((n.user_id, n.kind), (True, True))
        if by_email and n.user.email:
            by_user.setdefault(n.user.pk, (n.user, []))[1].append(n)
        if by_robot:
            to_robots.setdefault(n.user.pk, (n.user, []))[1].append(n)
    sent = failed = 0
    for user, notes in by_user.values():
        try:
            _email(user, notes, many, footer)
        except Exception:  # any transport error: count it, keep mailing the others
            log.exception("Notification e-mail to user %s failed", user.pk)
            failed += 1
        else:
            sent += 1
    if to_robots:
        robots_by_user = selectors.robots_of(list(to_robots))
        for user_id, (user, notes) in to_robots.items():
            for robot in robots_by_user.get(user_id, []):
                _to_robot(robot, user, notes, many)
    return sent, failed


def _site() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def _robot_message(user: User, rows: list[Notification], many: Callable[[int], str]) -> robots.Message:
    with translation.override(language_of(user)):
        title = rows[0].title if len(rows) == 1 else many(len(rows))
        title = _("[Dangjian] %(subject)s") % {"subject": title}
        lines = [f"{n.title}" + (f" — {_site()}{n.url}" if n.url else "") for n in rows]
    return robots.Message(title, lines)


def _to_robot(robot: Robot, user: User, rows: list[Notification], many: Callable[[int], str]) -> bool:
    """Post to one robot; its last success or error is kept on it (not audited: bookkeeping)."""
    try:
        robots.send(robot.platform, robot.url, robot.secret, _robot_message(user, rows, many))
    except Exception as exc:  # RobotError, or anything unforeseen: one robot never stops the others
        log.warning("Robot %s of user %s failed: %s", robot.pk, user.pk, exc)
        Robot.objects.filter(pk=robot.pk).update(last_error=str(exc)[:300])
        return False
    Robot.objects.filter(pk=robot.pk).update(last_sent_at=timezone.now(), last_error="")
    return True


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


def deliver(ids: list[int]) -> tuple[int, int]:
    """E-mail and robot copies of these notifications (the event notifications' background task)."""
    rows = list(Notification.objects.filter(pk__in=ids).select_related("user"))
    return send_emails(rows, many=_events, footer=EVENTS_FOOTER)


def _events(n: int) -> str:
    return ngettext("%(n)d new notification", "%(n)d new notifications", n) % {"n": n}


EVENTS_FOOTER = gettext_lazy("You chose to receive these by e-mail; change it under Notifications → Where to receive.")

"""Writes for political birthdays: the local settings, the cards (each one printed is a disclosure
of a member's data and is recorded), and the daily greetings.

The greetings go out on each member's anniversary (29 February: the 28th in a common year) to
members who have a login: an in-app notification in their language, with a link to their card,
copied by e-mail to those with an address. A member is greeted once a year however often the
run is repeated (the notification's unique key), and each run is one audit event.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian import calendar
from dangjian.access.models import User
from dangjian.audit import services as audit
from dangjian.jobs.services import Output, record_export
from dangjian.notifications import services as notifications
from dangjian.notifications.models import Kind, Notification
from dangjian.organizations.models import Organization
from dangjian.people.models import Person
from dangjian.sheets import labelled, one_table, titled

from . import cards, rules, selectors
from .models import BirthdayConfig

PDF = "application/pdf"
CONFIG_FIELDS = ("period", "message_zh", "message_en", "issuer_name", "issuer_name_en")


# --- settings --------------------------------------------------------------------------------


@audit.write_transaction
def save_config(*, actor: User | None, organization: Organization, **fields: Any) -> BirthdayConfig:
    config, created = BirthdayConfig.objects.get_or_create(organization=organization)
    before = audit.snapshot(config)
    for key, value in fields.items():
        if key in CONFIG_FIELDS:
            setattr(config, key, value.strip() if isinstance(value, str) and key != "period" else value)
    for field in rules.MESSAGE_LIMITS:
        text = getattr(config, field).replace("\r\n", "\n")
        setattr(config, field, text)
        if rules.message_too_long(field, text):
            raise ValidationError(
                {
                    field: _("The greeting must fit on the card: at most %(n)d characters and %(breaks)d line breaks.")
                    % {"n": rules.MESSAGE_LIMITS[field], "breaks": rules.MESSAGE_MAX_BREAKS}
                }
            )
    config.full_clean(exclude=["organization"])
    audit.save_and_record(actor, config, before, created=created)
    return config


# --- cards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardFile:
    name: str
    data: bytes
    cards: int


def card_file_name(stem: str, today: dt.date) -> str:
    return f"{stem}-{today:%Y%m%d}.pdf"


def print_card(*, actor: User | None, celebrant: selectors.Celebrant, today: dt.date | None = None) -> CardFile:
    """One member's card, for a caller that checked the person is in the actor's scope. The PDF
    is made first, outside any transaction; what was printed is then recorded."""
    today = today or timezone.localdate()
    person = celebrant.person
    card_settings = selectors.card_settings([celebrant.org])
    (card,) = cards.cards_for([celebrant], card_settings, today)
    data = cards.render_cards([card])
    stem = _("Political birthday card")
    name = card_file_name(f"{stem}-{person.name}", today)
    record_export(
        actor=actor,
        object_type="birthdays.card",
        object_id=person.pk,
        name=name,
        changes={"person": person.pk, "year": celebrant.anniversary.year, "cards": 1},
        org_path=person.party_org.path if person.party_org is not None else "",
    )
    return CardFile(name, data, 1)


def print_cohort(
    *,
    actor: User,
    org: Organization,
    period: calendar.Period,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    job_id: int | None = None,
) -> CardFile:
    """All the cards of a cohort the actor may see, in one PDF; with `job_id` the file is kept
    on that job for its requester. The caller checked CHANGE on `org`."""
    today = today or timezone.localdate()
    people = selectors.cohort(actor, org, period.year, period.index, period.kind)
    if not people:
        raise ValidationError(_("Nobody in this organisation celebrates a political birthday in this period."))
    total = len(people)
    if progress:
        progress(0, total)
    card_settings = selectors.card_settings(c.org for c in people)
    data = cards.render_cards(
        cards.cards_for(people, card_settings, today),
        progress=(lambda done: progress(done, total)) if progress else None,
    )
    stem = _("Political birthday cards")
    name = card_file_name(f"{stem}-{org.display_name}-{_period_slug(period)}", today)
    output = Output.of(name, data, PDF) if job_id is not None else None  # sealed before the lock
    record_export(
        actor=actor,
        object_type="birthdays.cards",
        object_id=org.pk,
        name=name,
        changes={"period": _period_slug(period), "cards": total, "people": [c.person.pk for c in people]},
        org_path=org.path,
        job_id=job_id,
        output=output,
    )
    return CardFile(name, data, total)


COHORT_COLUMNS = [
    (gettext_lazy("name"), 14),
    (gettext_lazy("party organisation"), 28),
    (gettext_lazy("political birthday"), 12),
    (gettext_lazy("anniversary"), 12),
    (gettext_lazy("years in the Party"), 10),
]


def cohort_sheet(
    *, actor: User, org: Organization, period: calendar.Period, label: str, today: dt.date | None = None
) -> tuple[bytes, str, int]:
    """The cohort list as .xlsx (bytes, file name, rows), as the page shows it: a disclosure of
    members' admission dates, so recorded. The caller checked that the actor may see `org`."""
    today = today or timezone.localdate()
    people = selectors.cohort(actor, org, period.year, period.index, period.kind)
    stem = str(_("Political birthdays"))
    rows = ([c.person.name, c.org.display_name, c.basis, c.anniversary, c.years] for c in people)
    data, name, count = one_table(
        f"{stem}-{org.display_name}-{_period_slug(period)}",
        labelled(COHORT_COLUMNS),
        rows,
        title=titled(stem, org.display_name, label),
        today=today,
    )
    record_export(
        actor=actor,
        object_type="birthdays.cohort",
        object_id=org.pk,
        name=name,
        changes={"period": _period_slug(period), "rows": count, "people": [c.person.pk for c in people]},
        org_path=org.path,
    )
    return data, name, count


def _period_slug(period: calendar.Period) -> str:
    return f"{period.year}-{period.index:02d}" if period.kind == calendar.MONTH else f"{period.year}-Q{period.index}"


# --- the daily greetings -----------------------------------------------------------------------


@dataclass
class _Greeting:
    user: User
    person: Person
    years: int
    message_zh: str
    message_en: str


def greeting_key(person: Person, day: dt.date) -> str:
    return f"birthday:{person.pk}:{day.year}"


def _texts(g: _Greeting, language: str) -> tuple[str, str]:
    title = ngettext(
        "Happy political birthday! %(n)d year in the Party",
        "Happy political birthday! %(n)d years in the Party",
        g.years,
    ) % {"n": g.years}
    message = g.message_en if language.startswith("en") else g.message_zh
    body = message + "\n\n" + _("Your greeting card is ready: open the link to download it.")
    return title, body


def _plan(today: dt.date, progress: Callable[..., None] | None) -> list[_Greeting]:
    found = (
        selectors.on_day(selectors.members_with_basis(), today)
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user", "party_org")
        .order_by("pk")
    )
    # The party organisation is a cache of the open membership. A member without one (a stale
    # cache) has no organisation whose greeting and issuer the card would carry: skipped, so
    # that the others are still greeted.
    people = [(p, org) for p in found if (org := p.party_org) is not None]
    if progress:
        progress(0, len(people), force=True)
    card_settings = selectors.card_settings(org for _p, org in people)
    greetings = []
    for p, org in people:
        config = card_settings[org.pk].config
        greetings.append(
            _Greeting(
                p.user,
                p,
                rules.years_in_party(selectors.basis_of(p), today.year),
                config.message("zh-hans"),
                config.message("en"),
            )
        )
    return greetings


@audit.write_transaction
def _write(*, actor: User | None, today: dt.date, greetings: list[_Greeting]) -> list[Notification]:
    rows = notifications.notify_many(
        drafts=[
            notifications.Draft(
                user=g.user,
                kind=Kind.BIRTHDAY,
                key=greeting_key(g.person, today),
                url=reverse("birthdays:card", args=[g.person.pk]) + f"?year={today.year}",
                texts=functools.partial(_texts, g, notifications.language_of(g.user)),
            )
            for g in greetings
        ],
        sent_on=today,
    )
    figures = {
        "celebrating": len(greetings),
        "notifications": len(rows),
        "emails_to_send": sum(1 for n in rows if n.user.email),
    }
    notifications.record_run(
        actor=actor,
        today=today,
        object_type="birthdays.Greetings",
        name="political birthday greetings",
        figures=figures,
    )
    return rows


GREETINGS_FOOTER = gettext_lazy("This greeting is also on the Notifications page of Dangjian.")


def _greetings(n: int) -> str:
    return ngettext("%(n)d greeting", "%(n)d greetings", n) % {"n": n}


def send_greetings(
    *, today: dt.date | None = None, actor: User | None = None, progress: Callable[..., None] | None = None
) -> dict[str, Any]:
    """Greet today's members; running it again the same day (or year) greets nobody twice.
    Returns the counts, also recorded in one audit event. As with the reminders, the members
    are read outside the transaction and e-mail goes out after it commits."""
    today = today or timezone.localdate()
    greetings = _plan(today, progress)
    rows = _write(actor=actor, today=today, greetings=greetings)
    sent, failed = notifications.send_emails(rows, many=_greetings, footer=GREETINGS_FOOTER)
    if progress:
        progress(len(greetings), len(greetings), force=True)
    return {
        "today": today.isoformat(),
        "celebrating": len(greetings),
        "notifications": len(rows),
        "emails_sent": sent,
        "emails_failed": failed,
    }

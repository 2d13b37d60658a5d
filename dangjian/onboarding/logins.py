"""Giving a whole county its logins (the set-up page's last step), as a background job: one
sheet of activation codes for the role holders, and — when asked — one sheet for each
enterprise's employees and each party organisation's members employed nowhere under the county,
split where more than a sheet holds (accounts.services.MAX_PER_SHEET)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.access import selectors as access_selectors
from dangjian.access.permissions import login_people
from dangjian.accounts import selectors as account_selectors
from dangjian.accounts import services as accounts
from dangjian.organizations import selectors as orgs
from dangjian.people import selectors as people

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.organizations.models import Organization
    from dangjian.people.models import Person


PENDING = gettext_lazy("holds a code from an earlier sheet, not used yet")
OUTSIDE = gettext_lazy("outside your reach: their own organisation department gives their login")
# People are read a chunk at a time: under SQLite's limit of parameters in a statement, and an
# enterprise of tens of thousands is never one query.
CHUNK = 900


@dataclass(frozen=True)
class Group:
    label: str
    person_ids: list[int]


def groups(county: Organization, *, everyone: bool) -> list[Group]:
    """Whom the sheets are for, a sheet (or more) a group: the role holders first; with
    `everyone`, each enterprise's employees, then each organisation's other members."""
    found = [
        Group(
            _("Role holders: %(county)s") % {"county": county.display_name},
            access_selectors.role_holder_person_ids_under(county.path),
        )
    ]
    if not everyone:
        return found
    employees, members = people.login_groups_under(county)
    ents = orgs.enterprises_by_id({e for e, _p in employees})
    units = {o.pk: o for o in orgs.orgs_with_pks({o for o, _p in members})}
    for ent_id, rows in groupby(employees, key=lambda r: r[0]):
        found.append(Group(str(ents[ent_id]) if ent_id in ents else str(ent_id), [p for _e, p in rows]))
    for org_id, rows in groupby(members, key=lambda r: r[0]):
        found.append(Group(str(units[org_id]) if org_id in units else str(org_id), [p for _o, p in rows]))
    return found


def _parts(given: Sequence[Person]) -> Iterator[list[Person]]:
    for start in range(0, len(given), accounts.MAX_PER_SHEET):
        yield list(given[start : start + accounts.MAX_PER_SHEET])


def give_county_logins(
    *, actor: User, county: Organization, everyone: bool, progress: Callable[[int, int], None]
) -> dict[str, Any]:
    """Give the sheets (each in its own transaction, through accounts.services.give_logins);
    someone on two groups (a role holder who is an employee) is on the first only. Returns the
    job's result: the sheets given, with their labels and how many codes each holds, and how
    many got none, by the reason."""
    todo = groups(county, everyone=everyone)
    total = sum(len(g.person_ids) for g in todo)
    seen: set[int] = set()
    sheets: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}  # why someone got no code → how many
    done = 0
    progress(0, total)
    for group in todo:
        ids = [pk for pk in group.person_ids if pk not in seen]
        seen.update(ids)
        given: list[Person] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            # A code handed out on an earlier sheet and not used yet stays valid: a new one would
            # withdraw it from the paper in someone's hands.
            pending = account_selectors.people_with_open_codes(chunk, accounts.failure_limit())
            if pending:
                skipped[str(PENDING)] = skipped.get(str(PENDING), 0) + len(pending)
            found = list(
                login_people(actor, people.people_with_pks([pk for pk in chunk if pk not in pending]))
                .select_related(*accounts.PEOPLE_RELATED)
                .order_by("name", "pk")
            )
            if len(chunk) - len(pending) > len(found):  # said, never dropped in silence
                skipped[str(OUTSIDE)] = skipped.get(str(OUTSIDE), 0) + len(chunk) - len(pending) - len(found)
            planned = accounts.plan(found, giver=actor)
            given += planned.given
            for reason, who in planned.skipped.items():
                skipped[reason] = skipped.get(reason, 0) + len(who)
        parts = list(_parts(given))
        for n, part in enumerate(parts, start=1):
            label = group.label if len(parts) == 1 else f"{group.label} ({n}/{len(parts)})"
            try:
                result = accounts.give_logins(actor=actor, people=part, label=label)
            except ValidationError:  # nobody left to give a code to (given meanwhile)
                continue
            codes = result.new_logins + result.new_codes + result.resets
            sheets.append({"pk": result.sheet.pk, "label": label, "codes": codes})
        done += len(group.person_ids)
        progress(done, total)
    codes = sum(s["codes"] for s in sheets)
    summary = ngettext(
        "%(codes)d login code given on %(sheets)d sheet(s).",
        "%(codes)d login codes given on %(sheets)d sheet(s).",
        codes,
    ) % {"codes": codes, "sheets": len(sheets)}
    if sheets:
        summary += " " + _("The sheets are listed on the county's set-up page and under Login codes given.")
    else:
        summary = _("Nobody needed a login code: everyone already has one, or has no ID number on record.")
    return {
        "ok": True,
        "county": county.pk,
        "sheets": sheets,
        "codes": codes,
        "skipped": sorted(skipped.items()),
        "summary": summary,
        # The job's page links back to where the sheets are listed (jobs/_progress.html).
        "link_url": reverse("onboarding:county", args=[county.pk]) + "#step-logins",
        "link_label": _("Back to the county set-up"),
    }

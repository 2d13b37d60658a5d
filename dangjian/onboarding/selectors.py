"""What a county's set-up page shows: the committees a user sets up, and each step's state (what
exists under the county, the last file of the step's kind) read through the owning apps'
selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from dangjian.access import selectors as access_selectors
from dangjian.access.permissions import may_set_up
from dangjian.jobs import selectors as job_selectors
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import PARTY_UNIT_KINDS, OrgKind
from dangjian.people import selectors as people
from dangjian.rosters import selectors as rosters
from dangjian.rosters.columns import ENTERPRISES, ORG_TREE, ROLE_HOLDERS

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.jobs.models import Job
    from dangjian.organizations.models import Enterprise, Organization
    from dangjian.rosters.models import RosterImport

# The committees the page sets up: a county, or a prefecture with its counties.
SETUP_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE)
LOGINS_JOB = "county_logins"
# The rosters step lists this many enterprises and party organisations; the rest are imported
# from the Imports page.
LISTED = 100


def committees_of(user: User) -> list[Organization]:
    """The county and prefecture committees the user sets up, by path."""
    return [o for o in orgs.committees_of_kinds(SETUP_KINDS) if may_set_up(user, o)]


def needs_county() -> bool:
    """Whether the installation has no county yet (step 0: a platform administrator creates it)."""
    return not orgs.committees_of_kinds([OrgKind.COUNTY_COMMITTEE])


def prefectures() -> list[Organization]:
    return orgs.committees_of_kinds([OrgKind.PREFECTURE_COMMITTEE])


@dataclass
class Step:
    key: str
    number: int
    title: str
    kind: str  # the import kind of its file ("" for the rosters and the logins)
    done: bool
    counts: list[tuple[str, int]]  # what exists: (what, how many)
    last: RosterImport | None = None
    next: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        counts = self.last.counts if self.last is not None else {}
        return int(counts.get("rejected", 0)) + int(counts.get("outside", 0))

    @property
    def rows(self) -> int:
        return int(self.last.counts.get("rows", 0)) if self.last is not None else 0


@dataclass
class RosterRow:
    """An enterprise (employee roster) or party organisation (member roster) of the county."""

    target: str  # the import form's choice: e<pk> or o<pk>
    name: str
    imported: RosterImport | None


def steps(county: Organization) -> list[Step]:
    """The five steps in order, each with its state; the first not done is the next."""
    last = rosters.county_imports(county)
    kinds = orgs.kind_counts_under(county)
    enterprises = orgs.enterprises_supervised_under(county).count()
    persons = people.count_under(county)
    holders, without_password = access_selectors.role_holder_counts_under(county.path)
    tree_counts = [
        (str(OrgKind(k).label), n) for k, n in sorted(kinds.items(), key=lambda kv: OrgKind.values.index(kv[0]))
    ]
    result = [
        Step(
            "tree", 1, _("Party organisation tree"), ORG_TREE, sum(kinds.values()) > 0, tree_counts, last.get(ORG_TREE)
        ),
        Step(
            "enterprises",
            2,
            _("Enterprises"),
            ENTERPRISES,
            enterprises > 0,
            [(_("enterprises supervised"), enterprises)],
            last.get(ENTERPRISES),
        ),
        Step("rosters", 3, _("Rosters (people)"), "", persons > 0, [(_("people"), persons)]),
        Step(
            "roles",
            4,
            _("Role holders"),
            ROLE_HOLDERS,
            holders > 0,
            [(_("role holders"), holders)],
            last.get(ROLE_HOLDERS),
        ),
        Step(
            "logins",
            5,
            _("Logins"),
            "",
            holders > 0 and without_password == 0,
            [(_("role holders who have not chosen a password yet"), without_password)],
        ),
    ]
    for step in result:
        if not step.done:
            step.next = True
            break
    return result


def tree_codes(county: Organization) -> list[Organization]:
    """The organisations under the county in tree order, at most LISTED, each with the code
    member rosters, `import_roster --into` and the API name it by."""
    return [o for o in orgs.subtree(county)[: LISTED + 1] if o.pk != county.pk][:LISTED]


def roster_rows(county: Organization) -> tuple[list[RosterRow], list[RosterRow], int, int]:
    """The rosters step's lists: the county's enterprises (by name) and party organisations (by
    tree order), at most LISTED each, with their last imported roster; and how many of each
    there are in all."""
    ents: list[Enterprise] = list(orgs.enterprises_supervised_under(county).order_by("name")[:LISTED])
    units: list[Organization] = list(orgs.subtree(county, PARTY_UNIT_KINDS)[:LISTED])
    n_ents = len(ents) if len(ents) < LISTED else orgs.enterprises_supervised_under(county).count()
    n_units = len(units) if len(units) < LISTED else orgs.subtree(county, PARTY_UNIT_KINDS).count()
    employees, members = rosters.rosters_imported([e.pk for e in ents], [o.pk for o in units])
    return (
        [RosterRow(f"e{e.pk}", str(e), employees.get(e.pk)) for e in ents],
        [RosterRow(f"o{o.pk}", str(o), members.get(o.pk)) for o in units],
        n_ents,
        n_units,
    )


def logins_job_kind(county: Organization) -> str:
    """The kind of the job giving a county's logins: one kind a county, so its page finds it."""
    return f"{LOGINS_JOB}:{county.pk}"


def last_logins_job(user: User, county: Organization) -> Job | None:
    """The user's latest job giving this county's logins, with its progress."""
    jobs = job_selectors.latest_jobs(user, logins_job_kind(county), limit=1)
    return job_selectors.live(jobs[0]) if jobs else None

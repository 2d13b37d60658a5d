"""The one place that decides who may see or do what.

A user's *grants* are the roles they hold: assigned roles (RoleAssignment) plus the roles their
own Person record implies (a party member reaches their organisation, an employee their
employer, everyone their own record). Each role allows some actions on some kinds of object
(ROLE_ACTIONS) and reaches a part of the tree from its anchor (the `_reach_*` functions): a role
on an organisation reaches its whole subtree.

Two functions answer every question:
- `scope(user, queryset, action)` narrows any queryset of a scoped model to what the user may act on;
- `can(user, action, obj)` asks the same of one object (it runs `scope` on that object's pk, so
  the list and the object check can never disagree).
Every view, API endpoint, export and command goes through them.

This module knows no other app's models: the scoped models are named by label
(`_MODEL_RESOURCES`) and the reach functions follow the relations they name (`party_org__`,
`employer__`, a meeting's `attendances`) through `Model._meta`, starting from the model the
queryset or object being scoped is made of.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q

from .models import Role, RoleAssignment, User

M = TypeVar("M", bound=models.Model)

VIEW = "view"
CHANGE = "change"  # create, edit, move, delete
REVEAL = "reveal"  # see sensitive personal information in clear
AUDIT = "audit"  # read the audit log of objects in scope

ORG, ENTERPRISE, UNIT, PERSON, MEMBERSHIP, CANDIDACY, ROLE, MEETING = (
    "organization",
    "enterprise",
    "unit",
    "person",
    "membership",
    "candidacy",
    "role",
    "meeting",
)
# Party building in production (the production app): teams in a branch's charge, pairings,
# posts and member-led courses. A branch keeps them; an enterprise's managers read its coverage,
# posts and training but not whom a member is paired with (a party record of individuals).
TEAM_CHARGE, PAIRING, POST, COURSE = "team_charge", "pairing", "post", "course"
PRODUCTION = (TEAM_CHARGE, PAIRING, POST, COURSE)
_KEPT = {VIEW, CHANGE, AUDIT}
# County guidance (the guidance app): instructors' visits to an enterprise and the follow-up of
# the problems found, reached through the enterprise. Written by the enterprise's instructors;
# read by the committees above, its branch and its managers (the follow-ups are theirs too).
VISIT = "visit"
# Branch ratings (三好 …): a candidate branch in a committee's round, reached through the branch.
# Scored by the county's organisation department, the branch's secretary (its self-assessment)
# and its enterprise's instructor; read by the branch's committee and the enterprise's managers.
RATING = "rating"
# Pacesetter selections (the selections app): a round organised by a branch at an enterprise.
# Read by everyone at the enterprise (the round is open to all its employees) and the committees
# above; run by the branch's officers and the enterprise's managers.
SELECTION = "selection"
# Production indicators (the indicators app): a team's or an enterprise's monthly figures,
# reached through the enterprise. Entered by its managers and statisticians (its HR); read by the
# committees above, its branch's officers and its instructor. Not by members or employees: a
# team's figures are the enterprise's business records.
INDICATOR = "indicator"
# Membership transfers (the transfers app): a letter reached through both its organisations, the
# sending one and the receiving one (a receiving branch in another county reads the letter
# addressed to it, nothing else of the sender). Issued and accepted by the branches' officers and
# the committees above; the person reads their own.
TRANSFER = "transfer"
# Party dues (the dues app): a member's bases, monthly charges, payments, reliefs, and a branch's
# closed months and money handed upward, reached through the branch. Kept by the branch's
# officers and the organisation departments above; a member reads their own. Never managers or
# instructors: the base is the member's individual income (PIPL), shown only with REVEAL.
DUES = "dues"
# Democratic appraisal of members (the appraisal app): a branch's round of a year, reached through
# the branch. Run by the branch's secretary and committee members and the organisation
# departments above; read by its members and the enterprise's instructor, and by the workers'
# representatives it invites (the rounds that name them). Not by an enterprise's managers: the
# grades are a party record of individuals. What of a round each may read (self-assessments,
# comments, the tally, grades) is permissions.py's, "democratic appraisal".
APPRAISAL = "appraisal"

ROLE_ACTIONS: dict[str, dict[str, set[str]]] = {
    Role.ORG_DEPARTMENT: {
        ORG: {VIEW, CHANGE, AUDIT},
        ENTERPRISE: {VIEW, CHANGE, AUDIT},
        UNIT: {VIEW, CHANGE, AUDIT},
        PERSON: {VIEW, CHANGE, REVEAL, AUDIT},
        MEMBERSHIP: {VIEW, CHANGE, AUDIT},
        CANDIDACY: {VIEW, CHANGE, AUDIT},
        ROLE: {VIEW, CHANGE, AUDIT},
        MEETING: {VIEW, CHANGE, AUDIT},
        **dict.fromkeys(PRODUCTION, _KEPT),
        VISIT: {VIEW, AUDIT},
        RATING: {VIEW, CHANGE, AUDIT},
        SELECTION: {VIEW, AUDIT},
        INDICATOR: {VIEW, AUDIT},
        TRANSFER: {VIEW, CHANGE, AUDIT},
        DUES: {VIEW, CHANGE, REVEAL, AUDIT},
        APPRAISAL: {VIEW, CHANGE, AUDIT},
    },
    Role.SECRETARY: {
        ORG: {VIEW, CHANGE, AUDIT},
        ENTERPRISE: {VIEW},
        UNIT: {VIEW, CHANGE},
        PERSON: {VIEW, CHANGE, REVEAL, AUDIT},
        MEMBERSHIP: {VIEW, CHANGE, AUDIT},
        CANDIDACY: {VIEW, CHANGE, AUDIT},
        ROLE: {VIEW},
        MEETING: {VIEW, CHANGE, AUDIT},
        **dict.fromkeys(PRODUCTION, _KEPT),
        VISIT: {VIEW},
        RATING: {VIEW, CHANGE},
        SELECTION: {VIEW, CHANGE, AUDIT},
        INDICATOR: {VIEW},
        TRANSFER: {VIEW, CHANGE, AUDIT},
        DUES: {VIEW, CHANGE, REVEAL, AUDIT},
        APPRAISAL: {VIEW, CHANGE, AUDIT},
    },
    Role.COMMITTEE_MEMBER: {
        ORG: {VIEW},
        ENTERPRISE: {VIEW},
        UNIT: {VIEW},
        PERSON: {VIEW, CHANGE},
        MEMBERSHIP: {VIEW, CHANGE},
        CANDIDACY: {VIEW, CHANGE},
        ROLE: {VIEW},
        MEETING: {VIEW, CHANGE},
        **dict.fromkeys(PRODUCTION, {VIEW, CHANGE}),
        VISIT: {VIEW},
        RATING: {VIEW},
        SELECTION: {VIEW, CHANGE},
        INDICATOR: {VIEW},
        TRANSFER: {VIEW, CHANGE},
        DUES: {VIEW, CHANGE, REVEAL},
        APPRAISAL: {VIEW, CHANGE},
    },
    Role.INSTRUCTOR: {
        ORG: {VIEW},
        ENTERPRISE: {VIEW},
        UNIT: {VIEW},
        PERSON: {VIEW},
        MEMBERSHIP: {VIEW},
        CANDIDACY: {VIEW},
        MEETING: {VIEW},
        **dict.fromkeys(PRODUCTION, {VIEW}),
        VISIT: {VIEW, CHANGE},
        RATING: {VIEW, CHANGE},
        SELECTION: {VIEW},
        INDICATOR: {VIEW},
        APPRAISAL: {VIEW},
    },
    Role.MANAGER: {
        ORG: {VIEW},
        ENTERPRISE: {VIEW, CHANGE, AUDIT},
        UNIT: {VIEW, CHANGE, AUDIT},
        PERSON: {VIEW, CHANGE, REVEAL, AUDIT},
        TEAM_CHARGE: {VIEW},
        POST: {VIEW},
        COURSE: {VIEW},
        VISIT: {VIEW},
        RATING: {VIEW},
        SELECTION: {VIEW, CHANGE, AUDIT},
        INDICATOR: {VIEW, CHANGE, AUDIT},
    },
    Role.STATISTICIAN: {
        ENTERPRISE: {VIEW},
        UNIT: {VIEW},
        INDICATOR: {VIEW, CHANGE, AUDIT},
    },
    Role.MEMBER: {
        ORG: {VIEW},
        ENTERPRISE: {VIEW},
        UNIT: {VIEW},
        PERSON: {VIEW},
        MEMBERSHIP: {VIEW},
        MEETING: {VIEW},
        TEAM_CHARGE: {VIEW},
        POST: {VIEW},
        COURSE: {VIEW},
        SELECTION: {VIEW},
        APPRAISAL: {VIEW},
    },
    # A post's sign hangs on the shop floor: its employees read the post as the sign shows it;
    # a pacesetter round is open to every employee.
    Role.EMPLOYEE: {ENTERPRISE: {VIEW}, UNIT: {VIEW}, POST: {VIEW}, SELECTION: {VIEW}},
    "self": {
        PERSON: {VIEW, REVEAL},
        MEMBERSHIP: {VIEW},
        CANDIDACY: {VIEW},
        MEETING: {VIEW},
        **dict.fromkeys(PRODUCTION, {VIEW}),
        TRANSFER: {VIEW},
        DUES: {VIEW, REVEAL},
        APPRAISAL: {VIEW},
    },
}


@dataclass(frozen=True)
class Grant:
    role: str
    org_path: str | None = None  # anchor: an organisation's subtree
    enterprise_id: int | None = None  # anchor: one enterprise
    enterprise_org_path: str | None = None  # that enterprise's party organisation, if any
    person_id: int | None = None  # anchor: the user's own record

    def allows(self, resource: str, action: str) -> bool:
        return action in ROLE_ACTIONS.get(self.role, {}).get(resource, set())


def grants_for(user: User | AnonymousUser) -> list[Grant]:
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return []  # anonymous, or no user at all (a system write)
    # The grants are kept on the user object for the request (forget_grants drops them).
    cached: list[Grant] | None = user.__dict__.get("_dangjian_grants")
    if cached is not None:
        return cached
    grants: list[Grant] = []
    for ra in user.role_assignments.select_related("organization", "enterprise__party_org"):
        if ra.organization is not None:
            grants.append(Grant(ra.role, org_path=ra.organization.path))
        elif (ent := ra.enterprise) is not None:  # the check constraint: one anchor or the other
            grants.append(
                Grant(
                    ra.role,
                    enterprise_id=ent.pk,
                    enterprise_org_path=ent.party_org.path if ent.party_org is not None else None,
                )
            )
    person: Any = None  # people's Person, known here only through the user's key
    if user.person_id:
        # One query for the person and their organisation, reached through the user's own key;
        # kept on the user for the request.
        person_model = _related_model(user._meta.model, "person__")  # request.user is a lazy proxy: no type()
        person = person_model._default_manager.select_related("party_org").filter(pk=user.person_id).first()
        user.person = person
    if person is not None:
        grants.append(Grant("self", person_id=person.pk))
        if person.is_party_member and person.party_org_id:
            grants.append(Grant(Role.MEMBER, org_path=person.party_org.path))
        if person.employer_id:
            grants.append(Grant(Role.EMPLOYEE, enterprise_id=person.employer_id))
    user.__dict__["_dangjian_grants"] = grants
    return grants


def forget_grants(user: User | AnonymousUser) -> None:
    user.__dict__.pop("_dangjian_grants", None)


def reach_key(user: User | AnonymousUser) -> str:
    """A digest of everything `scope_q` and `container_q` read of the user: whether they are
    unrestricted, and their grants (each role with its anchor's path, enterprise and person, as
    the database has them now). Two users with the same key are given the same filters, so what
    is computed from those filters alone (a filter form's choice list, ui.lookups) may be kept
    under it; the rows the filters read are the tables' business (a version, dangjian.versions)."""
    if _is_unrestricted(user):
        return "all"
    grants = sorted(repr(g) for g in grants_for(user))
    return hashlib.sha256("\n".join(grants).encode()).hexdigest()[:32]


# --- reach: which rows an anchor covers, per kind of object ---------------------------------

NOTHING = Q(pk__in=[])
_COMMITTEE_KINDS = ["prefecture", "county", "park"]  # organizations.models.OrgKind: the party committees
_MEMBER_STATUSES = ["probationary", "full"]


# Lists reach the tree through subqueries on organisation ids ("party_org_id IN (SELECT id …
# WHERE path LIKE '/1/7/%')", written per engine by access.lookups.InIds): the database reads the
# small organisation table once and walks the big tables' foreign-key indexes instead of joining
# every row (docs/benchmarks.md: a county's members at prefecture scale, 18 ms → 2 ms on SQLite,
# 111 ms → 12 ms on PostgreSQL). A check on one known row (`can`, a
# look-up by ID number) joins instead: following one row's keys is cheaper than building the
# whole reach. Both forms come from the same functions below, so they cannot disagree.
# (The public helpers over the same subqueries, for other apps' reads, are
# organizations.selectors.orgs_under and enterprises_under.)


def _related_model(model: type[models.Model], prefix: str) -> type[models.Model]:
    """The model at the end of a lookup prefix such as "person__party_org__" ("" is `model`)."""
    for name in prefix.split("__"):
        if name:
            related = model._meta.get_field(name).related_model
            assert isinstance(related, type)  # a relation names its model once the apps are ready
            model = related
    return model


def _orgs_under(org_model: type[models.Model], path: str) -> models.QuerySet[Any]:
    """Ids of the organisation at `path` and everything below it."""
    return org_model._default_manager.filter(path__startswith=path).values("pk")


def _enterprises_under(enterprise_model: type[models.Model], path: str) -> models.QuerySet[Any]:
    """Ids of the enterprises a subtree supervises or covers with a party organisation."""
    return enterprise_model._default_manager.filter(_enterprise_own_q(enterprise_model, path, "", False)).values("pk")


def _under(model: type[models.Model], p: str, path: str, joins: bool) -> Q:
    """Rows whose organisation (the relation `p`, or the row itself) is at or below `path`."""
    if not p or joins:
        return Q(**{f"{p}path__startswith": path})
    return Q(**{f"{p.removesuffix('__')}__in_ids": _orgs_under(_related_model(model, p), path)})


def _enterprise_own_q(model: type[models.Model], path: str, p: str, joins: bool) -> Q:
    return _under(model, f"{p}supervising_org__", path, joins) | _under(model, f"{p}party_org__", path, joins)


# A reach function: the filter, on rows of `model` (through the relation prefix `p`, "" for
# the rows themselves), for the rows the grant `g` reaches.
Reach = Callable[[Grant, type[models.Model], str, bool], Q]


def _org_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    if g.org_path:
        return _under(model, p, g.org_path, joins)
    if g.enterprise_org_path and g.role != Role.EMPLOYEE:
        return _under(model, p, g.enterprise_org_path, joins)
    return NOTHING


def _enterprise_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    if g.org_path:
        if p and not joins:
            enterprises = _enterprises_under(_related_model(model, p), g.org_path)
            return Q(**{f"{p.removesuffix('__')}__in_ids": enterprises})
        return _enterprise_own_q(model, g.org_path, p, joins)
    if g.enterprise_id:
        return Q(**{f"{p}pk": g.enterprise_id})
    return NOTHING


def _unit_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    return _enterprise_q(g, model, f"{p}enterprise__", joins)


def _person_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    if g.person_id:
        return Q(**{f"{p}pk": g.person_id})
    if g.role == Role.MEMBER and g.org_path:
        # Members see their own organisation's members: not the workforce, not the applicants.
        return _under(model, f"{p}party_org__", g.org_path, joins) & Q(**{f"{p}political_status__in": _MEMBER_STATUSES})
    if g.org_path:
        return _under(model, f"{p}party_org__", g.org_path, joins) | _enterprise_q(g, model, f"{p}employer__", joins)
    if g.enterprise_id:
        return Q(**{f"{p}employer_id": g.enterprise_id})
    return NOTHING


def _membership_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    if g.org_path and g.role != Role.MEMBER:
        return _org_q(g, model, f"{p}organization__", joins) | _person_q(g, model, f"{p}person__", joins)
    return _person_q(g, model, f"{p}person__", joins)


def _membership_change_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # A membership record is kept by its organisation: employing or seeing the person is not
    # enough to rewrite their record in another branch.
    return _org_q(g, model, f"{p}organization__", joins) if g.org_path else NOTHING


def _role_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    if not g.org_path:
        return NOTHING
    return _org_q(g, model, f"{p}organization__", joins) | _enterprise_q(g, model, f"{p}enterprise__", joins)


# The reverse relation from a meeting to its attendance rows (who was expected or invited).
_MEETING_ATTENDANCES = "attendances"


def _meeting_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    if g.person_id:
        # Anyone sees the meetings they were expected at or invited to (a worker invited to a
        # branch meeting reads its page; DOMAIN.md §3 "we invite the masses").
        attendances = _related_model(model, p)._meta.get_field(_MEETING_ATTENDANCES)
        assert isinstance(attendances, models.ForeignObjectRel)
        rows = attendances.related_model._default_manager.filter(person_id=g.person_id)
        return Q(**{f"{p}pk__in": rows.values(attendances.field.attname)})
    if g.role == Role.MEMBER and g.org_path:
        # A member attends the meetings of their own organisation and of those above it (a party
        # group's member, the branch's); the committee's own meetings are the committee's.
        return Q(**{f"{p}organization_id__in": path_ids(g.org_path)}) & ~Q(**{f"{p}kind": "committee"})
    return _org_q(g, model, f"{p}organization__", joins)


def _meeting_change_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # Meetings are kept by their organisation's officers and the committees above, never by
    # an enterprise-anchored role.
    return _org_q(g, model, f"{p}organization__", joins) if g.org_path else NOTHING


def _kept_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    """A production record (kept by an `organization` about an `enterprise`): its officers' and
    the committees' above by the organisation, the enterprise's roles by the enterprise, a member
    by their own organisation (their party group's branch included), and a person the records
    that name them (the model's SCOPE_SELF: a pairing's member and employees, a course's trainer
    and trainees, a post's holder, a team's responsible member)."""
    if g.person_id:
        rows = _related_model(model, p)
        q = NOTHING
        for field in getattr(rows, "SCOPE_SELF", ()):
            if "__" in field:
                q |= Q(**{f"{p}pk__in": rows._default_manager.filter(**{field: g.person_id}).values("pk")})
            else:
                q |= Q(**{f"{p}{field}": g.person_id})
        return q
    if g.role == Role.MEMBER and g.org_path:
        return Q(**{f"{p}organization_id__in": path_ids(g.org_path)})
    if g.org_path:
        return _org_q(g, model, f"{p}organization__", joins) | _enterprise_q(g, model, f"{p}enterprise__", joins)
    if g.enterprise_id:
        return Q(**{f"{p}enterprise_id": g.enterprise_id})
    return NOTHING


def _kept_change_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # Kept by the organisation's officers and the committees above, never by an enterprise role.
    return _org_q(g, model, f"{p}organization__", joins) if g.org_path else NOTHING


def _rating_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # Through the candidate branch: its subtree's officers and the committees above; an
    # enterprise's instructor and managers through the enterprise's party organisation.
    return _org_q(g, model, f"{p}organization__", joins)


def _selection_change_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # Run by the organising branch's officers (and the committees above them) and by the
    # enterprise's managers: "the branch committee, or the enterprise with the branch".
    if g.org_path:
        return _org_q(g, model, f"{p}organization__", joins)
    if g.enterprise_id and g.role == Role.MANAGER:
        return Q(**{f"{p}enterprise_id": g.enterprise_id})
    return NOTHING


def _transfer_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # A letter is its sending and its receiving organisation's (either may be outside the
    # platform, then null); the person reads their own moves.
    if g.person_id:
        return Q(**{f"{p}person_id": g.person_id})
    if not g.org_path:
        return NOTHING
    return _org_q(g, model, f"{p}from_org__", joins) | _org_q(g, model, f"{p}to_org__", joins)


def _dues_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # A member's own rows (the model's SCOPE_SELF: the member they are about); otherwise through
    # the branch, for its officers and the committees above. A member's grant on their
    # organisation reaches nobody else's dues.
    if g.person_id:
        q = NOTHING
        for field in getattr(_related_model(model, p), "SCOPE_SELF", ()):
            q |= Q(**{f"{p}{field}": g.person_id})
        return q
    if g.role == Role.MEMBER or not g.org_path:
        return NOTHING
    return _org_q(g, model, f"{p}organization__", joins)


def _appraisal_q(g: Grant, model: type[models.Model], p: str = "", joins: bool = False) -> Q:
    # Through the branch: its officers and the committees above, the enterprise's instructor
    # (through the enterprise's party organisation); a member the rounds of their own branch;
    # a person the rounds whose roll names them (an invited representative).
    if g.person_id:
        rows = _related_model(model, p)
        named = rows._default_manager.filter(participants__person_id=g.person_id).values("pk")
        return Q(**{f"{p}pk__in": named})
    if g.role == Role.MEMBER and g.org_path:
        return Q(**{f"{p}organization_id__in": path_ids(g.org_path)})
    return _org_q(g, model, f"{p}organization__", joins)


REACH: dict[str, Reach] = {
    ORG: _org_q,
    ENTERPRISE: _enterprise_q,
    UNIT: _unit_q,
    PERSON: _person_q,
    MEMBERSHIP: _membership_q,
    CANDIDACY: _membership_q,
    ROLE: _role_q,
    MEETING: _meeting_q,
    **dict.fromkeys(PRODUCTION, _kept_q),
    VISIT: _unit_q,  # by the visit's (or follow-up's) enterprise, as a workshop is reached
    RATING: _rating_q,
    SELECTION: _kept_q,  # by the branch (its members too) or the enterprise (its roles and employees)
    INDICATOR: _unit_q,  # by the figure's enterprise, as a workshop is reached
    TRANSFER: _transfer_q,
    DUES: _dues_q,
    APPRAISAL: _appraisal_q,
}


CHANGE_REACH: dict[str, Reach] = {
    **dict.fromkeys(PRODUCTION, _kept_change_q),
    MEMBERSHIP: _membership_change_q,
    CANDIDACY: _membership_change_q,
    MEETING: _meeting_change_q,
    SELECTION: _selection_change_q,
    APPRAISAL: _kept_change_q,  # by the branch's officers and the committees above, never an enterprise role
}


def resource_of(model: type[models.Model]) -> str:
    resource: str | None = getattr(model, "SCOPE_RESOURCE", None) or _MODEL_RESOURCES.get(model._meta.label)
    if resource is None:
        raise LookupError(f"{model._meta.label} is not a scoped model: add it to access.scopes")
    return resource


_MODEL_RESOURCES = {
    "organizations.Organization": ORG,
    "organizations.Enterprise": ENTERPRISE,
    "organizations.ProductionUnit": UNIT,
    "people.Person": PERSON,
    "people.Membership": MEMBERSHIP,
    "development.Candidacy": CANDIDACY,
    "access.RoleAssignment": ROLE,
    "branchlife.Meeting": MEETING,
    "production.TeamCharge": TEAM_CHARGE,
    "production.Pairing": PAIRING,
    "production.Post": POST,
    "production.Course": COURSE,
    "guidance.Visit": VISIT,
    "guidance.Candidate": RATING,
    "selections.Round": SELECTION,
    "indicators.Value": INDICATOR,
    "transfers.Transfer": TRANSFER,
    "dues.Charge": DUES,
    "dues.DuesBase": DUES,
    "dues.Relief": DUES,
    "dues.Payment": DUES,
    "dues.ClosedMonth": DUES,
    "dues.Handover": DUES,
    "appraisal.Round": APPRAISAL,
}
# The model a resource's filter is written for when the caller names only the resource
# (scope_q, container_q): membership and candidacy filters read the same on both models.
_RESOURCE_MODELS = {resource: label for label, resource in reversed(_MODEL_RESOURCES.items())}


def _model_of(resource: str) -> type[models.Model]:
    return apps.get_model(_RESOURCE_MODELS[resource])


def _is_unrestricted(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def scope_q(
    user: User | AnonymousUser,
    resource: str,
    action: str = VIEW,
    *,
    joins: bool = False,
    model: type[models.Model] | None = None,
) -> Q | None:
    """The filter for `resource` rows (of `model`, by default the resource's own model) the user
    may `action`; None means unrestricted. `joins` gives the form for checking a few known rows
    (see the note above `_related_model`)."""
    if _is_unrestricted(user):
        return None
    reach = CHANGE_REACH.get(resource, REACH[resource]) if action == CHANGE else REACH[resource]
    q = NOTHING
    for g in grants_for(user):
        if g.allows(resource, action):
            q |= reach(g, model or _model_of(resource), "", joins)
    return q


def login_people_q(user: User | AnonymousUser) -> Q | None:
    """The people to whom the user may give a login (an activation code), None for everyone.

    Whoever prints a person's code could, knowing the end of their ID number, sign in as them; so
    only those who may already see and change that person's records in full give it: the
    organisation department for the people of its subtree (members by their branch, employees by
    their employer, and the county cadres on no roster who hold a role in it: an instructor, its own
    staff), an enterprise manager for its employees who are not party members. A party member's
    login reads the branch's member list, which a manager may not read."""
    if _is_unrestricted(user):
        return None
    model = _model_of(PERSON)
    q = NOTHING
    members = Q(political_status__in=_MEMBER_STATUSES)
    for g in grants_for(user):
        if g.role == Role.ORG_DEPARTMENT and g.org_path:
            q |= (
                _under(model, "party_org__", g.org_path, False)
                | (_enterprise_q(g, model, "employer__", False) & ~members)
                | (Q(party_org__isnull=True, employer__isnull=True) & _holds_role_under(g.org_path))
            )
        elif g.role == Role.MANAGER and g.enterprise_id:
            q |= Q(employer_id=g.enterprise_id) & ~members
    return q


def _holds_role_under(path: str) -> Q:
    """A person whose login holds a role anchored in the subtree at `path` (an organisation there,
    or an enterprise supervised there)."""
    anchored = Q(organization__path__startswith=path) | Q(enterprise__supervising_org__path__startswith=path)
    return Q(models.Exists(RoleAssignment.objects.filter(anchored, user__person=models.OuterRef("pk"))))


def production_enterprises_q(user: User | AnonymousUser) -> Q | None:
    """The enterprises whose production work (teams and their coverage) the user reads as a body,
    None for all: an officer's or a committee's subtree, an enterprise role's own enterprise, a
    member's branch's. A team with nobody in its charge has no record to scope, so its enterprise
    decides (a manager of one enterprise of a joint branch never reads the other's teams)."""
    if _is_unrestricted(user):
        return None
    model = _model_of(ENTERPRISE)
    q = NOTHING
    for g in grants_for(user):
        if g.person_id or not g.allows(TEAM_CHARGE, VIEW):
            continue
        if g.role == Role.MEMBER and g.org_path:
            q |= Q(party_org_id__in=path_ids(g.org_path))
        else:
            q |= _enterprise_q(g, model)
    return q


def scope(
    user: User | AnonymousUser, queryset: models.QuerySet[M], action: str = VIEW, *, joins: bool = False
) -> models.QuerySet[M]:
    """The queryset narrowed to what the user may `action`. Pass joins=True when the queryset is
    already narrowed to a few rows by an index (a look-up by ID number)."""
    q = scope_q(user, resource_of(queryset.model), action, joins=joins, model=queryset.model)
    if q is None:
        return queryset
    if q == NOTHING:
        return queryset.none()
    return queryset.filter(q)


def can(user: User | AnonymousUser, action: str, obj: models.Model) -> bool:
    model = type(obj)
    q = scope_q(user, resource_of(model), action, joins=True, model=model)
    if q is None:
        return True
    if q == NOTHING or obj.pk is None:
        return False
    return model._default_manager.filter(q, pk=obj.pk).exists()


def has_any(user: User | AnonymousUser, resource: str, action: str) -> bool:
    """Whether the user holds any role that allows `action` on `resource` somewhere (menus)."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.allows(resource, action) for g in grants_for(user))


def reaches_any(user: User | AnonymousUser, resource: str, action: str) -> bool:
    """Whether there is at least one `resource` object the user may `action` now (a query)."""
    return scope(user, _model_of(resource)._default_manager.all(), action).exists()


def container_q(user: User | AnonymousUser, resource: str, action: str, container: str) -> Q | None:
    """The filter for containers (`container` = ORG or ENTERPRISE) inside which the user may
    `action` objects of `resource`: where new people, units or sub-organisations may go.
    None means unrestricted."""
    if _is_unrestricted(user):
        return None
    model = _model_of(container)
    q = NOTHING
    for g in grants_for(user):
        if not g.allows(resource, action) or g.role in {Role.MEMBER, "self"}:
            continue
        if container == ORG:
            q |= _org_q(g, model) if g.org_path else NOTHING
        else:
            q |= _enterprise_q(g, model)
    return q


def anchor_orgs_q(user: User | AnonymousUser, resource: str, action: str = VIEW) -> Q | None:
    """The filter for organisations whose `resource` objects the user may `action` as a body —
    a branch's calendar of meetings, say — not just one object of theirs: a member's own
    organisation and those above it, an officer's subtree, an instructor's enterprise
    organisation. None means unrestricted."""
    if _is_unrestricted(user):
        return None
    model = _model_of(ORG)
    q = NOTHING
    for g in grants_for(user):
        if not g.allows(resource, action) or g.person_id:
            continue
        if g.role == Role.MEMBER and g.org_path:
            # Their organisation and those above it up to the branch; the committees' (park,
            # county, prefecture) are the committees' officers'.
            q |= Q(pk__in=path_ids(g.org_path)) & ~Q(kind__in=_COMMITTEE_KINDS)
        else:
            q |= _org_q(g, model)
    return q


def home_org(user: User | AnonymousUser, resource: str, orgs: models.QuerySet[M]) -> M | None:
    """Among `orgs`, the organisation the user's first role on `resource` is anchored on (a
    branch secretary's branch, an instructor's enterprise organisation, a member's own); a
    superuser's root; None otherwise. The page a board, calendar or cohort opens on."""
    for g in grants_for(user):
        if not g.allows(resource, VIEW) or g.person_id:
            continue
        path = g.org_path or (g.enterprise_org_path if g.role != Role.EMPLOYEE else None)
        org = orgs.filter(path=path).first() if path else None
        if org is not None:
            return org
    return orgs.filter(parent__isnull=True).first() if getattr(user, "is_superuser", False) else None


def path_ids(path: str) -> list[int]:
    """The organisation ids along a materialised path, root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


def can_add_to(user: User | AnonymousUser, resource: str, container_obj: models.Model) -> bool:
    """Whether the user may create a `resource` object inside an Organization or Enterprise — for
    "new" buttons and choice lists. Creation itself is enforced by
    access.shortcuts.create_in_scope, which checks the created object with `can`."""
    kind = ORG if container_obj._meta.label == _RESOURCE_MODELS[ORG] else ENTERPRISE
    q = container_q(user, resource, CHANGE, kind)
    if q is None:
        return True
    if q == NOTHING:
        return False
    return type(container_obj)._default_manager.filter(q, pk=container_obj.pk).exists()

"""Every `may_*` predicate: the answers to "may this user do this?" that are not one object's
scope (for those, `scopes.can` and `scopes.scope`).

Only access decides who may see or do what: each app's predicates live here, in a block headed
by the app's name, built on `scopes` (grants, reach) and never on role names compared elsewhere.
Views, API endpoints, forms and services ask these; they do not loop over grants themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Model
from django.utils.translation import gettext as _

from .models import Role, User
from .scopes import (
    APPRAISAL,
    AUDIT,
    CANDIDACY,
    CHANGE,
    COURSE,
    DUES,
    ENTERPRISE,
    INDICATOR,
    MEETING,
    MEMBERSHIP,
    NOTHING,
    ORG,
    PAIRING,
    PERSON,
    POST,
    PRODUCTION,
    RATING,
    REVEAL,
    ROLE,
    ROLE_ACTIONS,
    SELECTION,
    TEAM_CHARGE,
    TRANSFER,
    VIEW,
    VISIT,
    anchor_orgs_q,
    can,
    can_add_to,
    container_q,
    grants_for,
    has_any,
    login_people_q,
    reaches_any,
)

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=models.Model)


# --- refusals: what the 403 page says would have allowed it ----------------------------------


class Refused(PermissionDenied):
    """A refusal that names the roles that would have allowed what was refused (the 403 page
    says who may, and whom to ask), or that only a platform administrator may (`admin_only`); a
    `message` says what else decides it."""

    def __init__(self, message: str = "", roles: Iterable[str] = (), *, admin_only: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.roles: list[Role] = [Role(r) for r in dict.fromkeys(roles) if r in Role.values]
        self.admin_only = admin_only


def roles_allowing(resource: str, action: str) -> list[str]:
    """The roles that allow `action` on `resource` somewhere (ROLE_ACTIONS), in its order."""
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions.get(resource, set())]


def refused(*needs: tuple[str, str], message: str = "") -> Refused:
    """The refusal of something any of `needs`, (resource, action) pairs, would allow."""
    return Refused(message, [role for resource, action in needs for role in roles_allowing(resource, action)])


def roles_held(user: AnyUser) -> list[Role]:
    """The roles the user holds (assigned, and those their own record implies), for the 403
    page's "your roles"."""
    held = {g.role for g in grants_for(user)}
    return [role for role in Role if role.value in held]


# --- access: logins and roles ----------------------------------------------------------------


def may_create_logins(user: User | AnonymousUser) -> bool:
    """Whether the user may create a login (and set its first password) for a person. Whoever
    sets a new login's password could sign in as that person and reach wherever their own records
    reach, beyond the granter's subtree: only platform administrators create logins."""
    return bool(user.is_superuser)


def logins_refused() -> Refused:
    return Refused(admin_only=True)


def may_give_logins(user: AnyUser) -> bool:
    """Whether the user gives logins (activation codes) to people in their reach at all: the
    organisation department, enterprise managers and platform administrators."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.role in LOGIN_GIVERS for g in grants_for(user))


LOGIN_GIVERS = (Role.ORG_DEPARTMENT, Role.MANAGER)


def login_people(user: AnyUser, people: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `people` (a Person queryset) to whom the user may give a login (scopes.login_people_q)."""
    q = login_people_q(user)
    if q is None:
        return people
    if q == NOTHING:
        return people.none()
    return people.filter(q)


def logins_give_refused() -> Refused:
    return Refused(
        _(
            "Logins are given by the organisation department for its people, and by an enterprise manager for the "
            "enterprise's employees who are not party members."
        ),
        LOGIN_GIVERS,
    )


def may_assign_roles(user: User | AnonymousUser, anchor: models.Model) -> bool:
    """Whether the user may give (and take back) roles held on `anchor`, an organisation or an
    enterprise."""
    return can_add_to(user, ROLE, anchor)


# --- audit log ----------------------------------------------------------------------------------


def may_read_global_log(user: User) -> bool:
    """The audit log pages (the log, the chain check) are for superusers and the organisation
    department; everyone else reads an object's history through that object's scope."""
    return user.is_superuser or any(g.role == Role.ORG_DEPARTMENT for g in grants_for(user))


def global_log_refused() -> Refused:
    return Refused(roles=[Role.ORG_DEPARTMENT])


def audit_log_reach(user: User) -> list[str] | None:
    """The subtrees (organisation paths) whose audit events the user reads in the global log;
    None for every event (superusers)."""
    if user.is_superuser:
        return None
    return [
        g.org_path for g in grants_for(user) if g.allows(ORG, AUDIT) and g.org_path and g.role == Role.ORG_DEPARTMENT
    ]


# --- people -------------------------------------------------------------------------------------


def may_change_memberships(user: User, person: Model) -> bool:
    """Membership records are the branch's to keep, not HR's: a role that keeps them, on a person
    the user may change."""
    return has_any(user, MEMBERSHIP, CHANGE) and can(user, CHANGE, person)


def may_see_sensitive_in_admin(user: User, person: Model | None) -> bool:
    """A new person's numbers are typed in by the user; a stored person's are shown only to roles
    with REVEAL (and superusers)."""
    return person is None or user.is_superuser or can(user, REVEAL, person)


# --- development --------------------------------------------------------------------------------

# A person whose application is in progress (development.models.OPEN_STAGES, which a candidacy's
# stage writes into the person's political status) may not apply again.
APPLYING_STATUSES = frozenset({"applicant", "activist", "target"})
# …and until their conversion a probationary member's candidacy is still open.
CANDIDATE_STATUSES = APPLYING_STATUSES | {"probationary"}


def may_see_development(user: AnyUser) -> bool:
    """Whether the user holds a role that shows candidacies beyond their own application (menus,
    boards): everyone may read their own, which is no reason for a menu."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.allows(CANDIDACY, VIEW) and g.role != "self" for g in grants_for(user))


def development_refused() -> Refused:
    return refused((CANDIDACY, VIEW))


def acts_above(user: AnyUser | None, org_path: str) -> bool:
    """Whether `user` may record the higher committee's and the department's steps on a candidacy
    of the organisation at `org_path`: a role that changes candidacies, anchored on an organisation
    strictly above it. The system (None: the demo, commands) and a superuser may too."""
    if user is None:
        return True
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(
        g.org_path
        and g.allows(CANDIDACY, CHANGE)
        and org_path.startswith(g.org_path)
        and len(g.org_path) < len(org_path)
        for g in grants_for(user)
    )


def keeps_branch_steps(user: AnyUser, org_path: str) -> bool:
    """Whether the user is an officer (secretary, committee member) of the organisation at
    `org_path` or of one above it within reach: who the branch's own steps are reminded to,
    as opposed to a department that may record them but oversees."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    return any(g.role in officers and g.org_path and org_path.startswith(g.org_path) for g in grants_for(user))


def may_record(user: AnyUser | None, org_path: str, *, higher_step: bool) -> bool:
    """Whether the step is one the user's place allows them to record on a candidacy of the
    organisation at `org_path` (the scope is checked by the caller: CHANGE on the candidacy): the
    higher committee's and the department's steps (`higher_step`) only from above."""
    return not higher_step or acts_above(user, org_path)


def may_see_conclusion(user: AnyUser | None, candidacy: models.Model, person: models.Model) -> bool:
    """The political review's conclusion (政审) of `candidacy`, `person`'s, is for those who keep
    the dossier: a user who may change the candidacy and see the person's sensitive data. Not
    the candidate, not an instructor, whatever else they may see. Nor the system (None): it keeps
    no dossier, and `can` already finds no grant for it."""
    return user is not None and can(user, CHANGE, candidacy) and can(user, REVEAL, person)


def application_units(user: AnyUser, units: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `units` (party organisations) where the user may record applications: where they
    keep candidacies."""
    where = container_q(user, CANDIDACY, CHANGE, ORG)
    if where is None:
        return units
    return units.filter(where) if where != NOTHING else units.none()


def may_record_applications(user: AnyUser, units: models.QuerySet[_M]) -> bool:
    return application_units(user, units).exists()


def may_apply_online(person: models.Model | None) -> bool:
    """An employee of a covered enterprise (one with a party organisation) with no membership and
    no application in progress."""
    if person is None or not getattr(person, "employer_id", None) or getattr(person, "is_party_member", False):
        return False
    if getattr(person, "political_status", None) in APPLYING_STATUSES:
        return False
    return type(person)._default_manager.filter(pk=person.pk, employer__party_org__isnull=False).exists()


def apply_online_refused(person: models.Model | None) -> Refused:
    """Why `may_apply_online` said no, in the person's terms."""
    if person is None:
        message = _("Applying online needs a login linked to your own employee record. Ask your HR department.")
    elif getattr(person, "is_party_member", False):
        message = _("You are already a party member.")
    elif getattr(person, "political_status", None) in APPLYING_STATUSES:
        message = _("Your application is already in progress: follow it on your record page.")
    else:
        message = _("Applying online is for employees of an enterprise that has a party organisation.")
    return Refused(message)


# --- birthdays ----------------------------------------------------------------------------------


def may_see_birthdays(user: AnyUser) -> bool:
    """Whether the user holds a party role that shows members' records (menus, the cohort page):
    the organisation department, secretaries, committee members, instructors and members
    themselves; not an employer's HR, not a non-member."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.allows(MEMBERSHIP, VIEW) and g.role != "self" for g in grants_for(user))


def birthdays_refused() -> Refused:
    return refused((MEMBERSHIP, VIEW))


# --- branchlife -----------------------------------------------------------------------------


def may_see_meetings(user: User) -> bool:
    return has_any(user, MEETING, VIEW)


def meetings_in_menu(user: User) -> bool:
    """Whether the menu offers Meetings: to a role that keeps or reads a branch's meetings; to
    anyone else (an HR manager, a worker) once there is a meeting they were expected at or
    invited to. Their own record's grant alone would open an empty page."""
    if getattr(user, "is_superuser", False):
        return True
    grants = [g for g in grants_for(user) if g.allows(MEETING, VIEW)]
    if any(g.role != "self" for g in grants):
        return True
    return bool(grants) and reaches_any(user, MEETING, VIEW)


def meetings_refused() -> Refused:
    return refused((MEETING, VIEW))


def own_meeting_org_paths(user: User) -> list[str]:
    """The organisations whose meetings the user keeps as one of its own officers (a secretary,
    a committee member), not from a committee above: the calendars on their to-do list."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    return [g.org_path for g in grants_for(user) if g.org_path and g.role in officers and g.allows(MEETING, CHANGE)]


def may_keep(user: User, meeting: Model) -> bool:
    """Whether the user keeps the meeting's record (marks attendance, reads the reasons)."""
    return can(user, CHANGE, meeting)


def may_export(user: User) -> bool:
    """The meeting register holds everyone's attendance and leave reasons: for those who keep
    meetings."""
    return has_any(user, MEETING, CHANGE)


def export_refused() -> Refused:
    return refused((MEETING, CHANGE))


def may_keep_meetings_of(user: AnyUser, org: models.Model) -> bool:
    """Whether the user plans and records the meetings of `org` as a body (its officers and the
    committees above; an enterprise-anchored role never): the branch's own planning, as the
    political-birthday celebration link asks it."""
    where = anchor_orgs_q(user, MEETING, CHANGE)
    if where is None:
        return True
    if where == NOTHING or org.pk is None:
        return False
    return type(org)._default_manager.filter(where, pk=org.pk).exists()


# --- rosters --------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Whether the user may import a roster, an indicator sheet or a payroll of dues bases
    anywhere (menus, upload page)."""
    return (
        has_any(user, PERSON, CHANGE)
        or has_any(user, MEMBERSHIP, CHANGE)
        or may_import_figures(user)
        or has_any(user, DUES, CHANGE)
    )


def may_import_figures(user: User) -> bool:
    """Whether the user may import production figures anywhere (the sheet's template, the choice
    on the upload page): an enterprise's managers and statisticians."""
    return has_any(user, INDICATOR, CHANGE)


def may_import_dues(user: User) -> bool:
    """Whether the user may import a payroll of dues bases anywhere: a keeper of some dues."""
    return has_any(user, DUES, CHANGE)


def may_set_up(user: User | AnonymousUser | None, org: Model) -> bool:
    """Whether the user sets up the county (or prefecture, park) of committee `org`: imports its
    party tree, enterprises and role holders, gives everyone logins, keeps its settings — its
    organisation department (or one above it), or a platform administrator. `user` None is the
    system itself (a command)."""
    if not getattr(org, "is_committee", False):
        return False
    if user is None or getattr(user, "is_superuser", False):
        return True
    path = str(getattr(org, "path", ""))
    return any(g.role == Role.ORG_DEPARTMENT and g.org_path and path.startswith(g.org_path) for g in grants_for(user))


def may_set_up_any(user: User | AnonymousUser) -> bool:
    """Whether the county set-up page is in the user's menu."""
    return getattr(user, "is_superuser", False) or any(g.role == Role.ORG_DEPARTMENT for g in grants_for(user))


def may_create_county(user: User | AnonymousUser) -> bool:
    """Whether the user registers a new county committee (the set-up page's step 0, on an
    installation without one): a platform administrator."""
    return bool(getattr(user, "is_superuser", False))


def set_up_refused() -> Refused:
    return Refused(
        _("A county is set up by its organisation department, or by a platform administrator."),
        [Role.ORG_DEPARTMENT],
    )


def import_refused() -> Refused:
    return refused((PERSON, CHANGE), (MEMBERSHIP, CHANGE), (INDICATOR, CHANGE), (DUES, CHANGE))


def may_import_into(
    user: User | None, target: Model, *, figures: bool = False, dues: bool = False, county: bool = False
) -> bool:
    """An employee roster goes into an enterprise (adding people to it), a member roster into a
    party unit (adding memberships), an indicator sheet (`figures`) into an enterprise, by those
    who enter its figures (a branch secretary who may import its people may not); a county's
    set-up file (`county`: its tree, enterprises, role holders) into its committee, by those who
    set the county up (may_set_up). `user` None is the system itself (`manage.py import_roster`
    without --user)."""
    if county:
        return target._meta.label == "organizations.Organization" and may_set_up(user, target)
    if figures:
        return target._meta.label == "organizations.Enterprise" and (user is None or may_enter_indicators(user, target))
    if dues:  # a payroll of dues bases, by those who keep the organisation's dues
        return target._meta.label == "organizations.Organization" and (user is None or may_keep_dues_of(user, target))
    if target._meta.label == "organizations.Enterprise":
        return user is None or can_add_to(user, PERSON, target)
    return bool(getattr(target, "is_party_unit", False)) and (user is None or can_add_to(user, MEMBERSHIP, target))


# --- exports --------------------------------------------------------------------------------


def visible_reach(user: User, resource: str) -> tuple[list[str], set[int]] | None:
    """Where everything of `resource` the user can see lies: (organisation paths, enterprise
    ids), or None when it has no bound (a superuser, or a personal grant with no organisation
    or employer to pin it to)."""
    if getattr(user, "is_superuser", False):
        return None
    paths: list[str] = []
    enterprise_ids: set[int] = set()
    for g in grants_for(user):
        if not g.allows(resource, VIEW):
            continue
        if g.org_path:
            paths.append(g.org_path)
        elif g.enterprise_id:
            enterprise_ids.add(g.enterprise_id)
        elif g.person_id:
            person: Any = getattr(user, "person", None)
            if person is not None and person.party_org_id:
                paths.append(person.party_org.path)
            elif person is not None and person.employer_id:
                enterprise_ids.add(person.employer_id)
            else:
                return None
    return paths, enterprise_ids


# --- production -----------------------------------------------------------------------------


def may_see_production(user: AnyUser, resource: str | None = None) -> bool:
    """Whether the user holds a role that shows production records (`resource`, or any of them):
    the menu, the page's sections. Everyone with their own record sees their own (pairings,
    training, posts) through the "self" grant."""
    resources = [resource] if resource else list(PRODUCTION)
    return any(has_any(user, r, VIEW) for r in resources)


def production_refused() -> Refused:
    return refused((TEAM_CHARGE, VIEW))


def production_orgs(user: AnyUser, orgs: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `orgs` (organisations) where the user keeps production work: takes teams in
    charge, pairs members, proposes posts, opens courses (their officers and the committees above)."""
    where = container_q(user, TEAM_CHARGE, CHANGE, ORG)
    if where is None:
        return orgs
    return orgs.filter(where) if where != NOTHING else orgs.none()


def may_keep_production(user: AnyUser, org: models.Model) -> bool:
    return org.pk is not None and production_orgs(user, type(org)._default_manager.filter(pk=org.pk)).exists()


def own_production_org_paths(user: AnyUser) -> list[str]:
    """The organisations whose production work the user keeps as one of its own officers (their
    to-do list), not from a committee above."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    return [g.org_path for g in grants_for(user) if g.org_path and g.role in officers and g.allows(TEAM_CHARGE, CHANGE)]


def recognising_org_paths(user: AnyUser) -> list[str]:
    """The committees on whose behalf the user recognises posts: the organisation department's."""
    return [g.org_path for g in grants_for(user) if g.org_path and g.role == Role.ORG_DEPARTMENT]


def may_recognise_post(user: AnyUser, post: Any) -> str | None:
    """The path of the committee above the post's branch in whose name the user recognises,
    suspends or reinstates it (a county's organisation department); None if they may not.
    A branch does not recognise its own posts."""
    org_path = post.organization.path
    paths = sorted((p for p in recognising_org_paths(user) if org_path.startswith(p) and p != org_path), key=len)
    if paths:
        return paths[-1]
    if getattr(user, "is_superuser", False) and user.is_active:
        above = [f"/{'/'.join(org_path.strip('/').split('/')[:-1])}/"] if org_path.count("/") > 2 else []
        return above[0] if above else None
    return None


def post_status_refusal(user: AnyUser, post: Any, status: str) -> Refused | None:
    """Why the user may not move `post` to `status`, None if they may: recognising and suspending
    are the committee's above the branch (may_recognise_post); ending is also the branch's."""
    committee = may_recognise_post(user, post)
    if status in {"recognised", "suspended"} and committee is None:
        return refused(
            (POST, CHANGE), message=_("Posts are recognised and suspended by the committee above the branch.")
        )
    if committee is None and not can(user, CHANGE, post):
        return refused((POST, CHANGE))
    return None


def may_write_note(user: AnyUser, pairing: Any) -> bool:
    """A pairing's notes are written by its member and its employees, each as themselves."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return False
    # Read through .all(): the employees are usually prefetched with the pairing already.
    return pairing.member_id == person_id or any(x.person_id == person_id for x in pairing.partners.all())


def may_see_assessments(user: AnyUser, course: Any) -> bool:
    """Every trainee's assessment on a course: for its trainer and those who keep or read the
    course as a body (its organisation's officers and the committees above, the enterprise's
    managers, an instructor); a member or a trainee reads the course and their own result only."""
    if getattr(user, "person_id", None) == course.trainer_id:
        return True
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    for g in grants_for(user):
        if g.person_id or g.role == Role.MEMBER or not g.allows(COURSE, VIEW):
            continue
        if g.org_path and course.organization.path.startswith(g.org_path):
            return True
        if g.enterprise_id and course.enterprise_id == g.enterprise_id:
            return True
    return False


def production_in_menu(user: AnyUser) -> bool:
    """The menu offers "In production" to a role that reads a branch's production work as a body
    (officers, committees, instructors, managers, members) and to anyone a production record
    names (their pairing, their training, their post): a query only for the latter."""
    if has_any(user, TEAM_CHARGE, VIEW) and any(
        not g.person_id for g in grants_for(user) if g.allows(TEAM_CHARGE, VIEW)
    ):
        return True
    return reaches_any(user, PAIRING, VIEW) or reaches_any(user, COURSE, VIEW) or reaches_any(user, TEAM_CHARGE, VIEW)


# --- guidance -------------------------------------------------------------------------------


def may_see_guidance(user: AnyUser) -> bool:
    """Whether the user holds a role that reads instructors' visits (the menu, the page)."""
    return has_any(user, VISIT, VIEW)


def guidance_refused() -> Refused:
    return refused((VISIT, VIEW))


def instructor_enterprise_ids(user: AnyUser) -> list[int]:
    """The enterprises the user is assigned to as an instructor: where they record visits."""
    return [g.enterprise_id for g in grants_for(user) if g.enterprise_id and g.role == Role.INSTRUCTOR]


def visit_refused() -> Refused:
    return refused((VISIT, CHANGE), message=_("Visits are recorded by the enterprise's own instructors."))


def may_edit_visit(user: AnyUser, visit: Any) -> bool:
    """A visit is corrected, and its problems added, by the instructor who wrote it while they
    are still assigned to the enterprise."""
    return visit.instructor_id == getattr(user, "pk", None) and can(user, CHANGE, visit)


def may_close_follow_up(user: AnyUser, item: Any) -> bool:
    """A follow-up is closed by the one in whose hands it is, or by the visit's instructor."""
    if not can(user, VIEW, item):
        return False
    uid = getattr(user, "pk", None)
    return item.owner_id == uid or may_edit_visit(user, item.visit)


def guidance_committee_paths(user: AnyUser) -> list[str]:
    """The committees whose instructors the user oversees: an organisation department's (the
    county sees who is behind, keeps the topics and the visit frequency)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return ["/"]
    return [g.org_path for g in grants_for(user) if g.org_path and g.role == Role.ORG_DEPARTMENT]


def may_configure_guidance(user: AnyUser, org: Any) -> bool:
    return org.kind in {"county", "prefecture", "park"} and any(
        org.path.startswith(p) for p in guidance_committee_paths(user)
    )


# --- branch ratings -------------------------------------------------------------------------------


def may_see_ratings(user: AnyUser) -> bool:
    """Whether the user reads rating rounds: a committee that holds them, or a role that reads a
    candidate branch (its officers, its enterprise's instructor and managers)."""
    return bool(guidance_committee_paths(user)) or has_any(user, RATING, VIEW)


def ratings_refused() -> Refused:
    return refused((RATING, VIEW))


def may_keep_ratings(user: AnyUser, org: Any) -> bool:
    """Rating schemes and rounds are kept by a committee's organisation department."""
    return may_configure_guidance(user, org)


def rating_reviewer(user: AnyUser, candidate: Any) -> str | None:
    """In which capacity the user scores a candidate branch, if any: "county" (the organisation
    department of the committee holding the round, or above), "instructor" (an instructor of the
    branch's enterprise) or "self" (the branch's own secretary). The first that applies."""
    branch_path: str = candidate.organization.path
    round_path: str = candidate.round.organization.path
    grants = grants_for(user)
    if (getattr(user, "is_superuser", False) and user.is_active) or any(
        g.role == Role.ORG_DEPARTMENT and g.org_path and round_path.startswith(g.org_path) for g in grants
    ):
        return "county"
    if any(
        g.role == Role.INSTRUCTOR and g.enterprise_org_path and branch_path.startswith(g.enterprise_org_path)
        for g in grants
    ):
        return "instructor"
    if any(g.role == Role.SECRETARY and g.org_path == branch_path for g in grants):
        return "self"
    return None


# --- guidance: the yearly appraisal of instructors ---------------------------------------------


def may_appraise(user: AnyUser, committee: Any) -> bool:
    """An instructor is appraised by the county committee over their enterprise, through the
    organisation department of that county or of a committee above it (who oversee its
    instructors: guidance_committee_paths)."""
    return committee.kind == "county" and any(committee.path.startswith(p) for p in guidance_committee_paths(user))


def appraisal_refused() -> Refused:
    return Refused(_("Instructors are appraised by the county's organisation department."), [Role.ORG_DEPARTMENT])


def appraisals_q(user: AnyUser) -> models.Q:
    """The appraisals the user reads, as a filter on guidance.Appraisal's fields: those of the
    committees they oversee, and an instructor their own. Nobody else: not the enterprise."""
    uid = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or uid is None:
        return models.Q(pk__in=[])
    q = models.Q(instructor_id=uid)
    for path in guidance_committee_paths(user):
        q |= models.Q(committee__path__startswith=path)
    return q


def opinion_roles(user: AnyUser, enterprise: Any) -> list[str]:
    """The roles in which the user gives the enterprise's opinion of its instructors: "secretary"
    as the secretary of the party organisation that covers it, "manager" as one of its managers.
    (The enterprise's party organisation, `party_org`, is best fetched with it.)"""
    party_path = enterprise.party_org.path if enterprise.party_org_id is not None else None
    roles: list[str] = []
    for g in grants_for(user):
        if g.role == Role.SECRETARY and party_path is not None and g.org_path == party_path:
            roles.append("secretary")
        elif g.role == Role.MANAGER and g.enterprise_id == enterprise.pk:
            roles.append("manager")
    return sorted(set(roles), key=["secretary", "manager"].index)


def gives_opinions(user: AnyUser) -> bool:
    """Whether the user holds a role in which an enterprise's opinion of its instructors is given."""
    return any(g.role in (Role.SECRETARY, Role.MANAGER) for g in grants_for(user))


def opinion_enterprises_q(user: AnyUser) -> models.Q:
    """The enterprises whose opinion of their instructors the user gives, as a filter on
    organizations.Enterprise's fields (opinion_roles, for a list)."""
    q = models.Q(pk__in=[])
    for g in grants_for(user):
        if g.role == Role.SECRETARY and g.org_path:
            q |= models.Q(party_org__path=g.org_path)
        elif g.role == Role.MANAGER and g.enterprise_id:
            q |= models.Q(pk=g.enterprise_id)
    return q


def opinions_q(user: AnyUser) -> models.Q:
    """The opinions the user reads, as a filter on guidance.Opinion's fields: every opinion on
    the enterprises of the committees they oversee, and at an enterprise the opinion of the role
    they give it in (its secretary's, its managers'). Not the instructor's."""
    q = models.Q(pk__in=[])
    for path in guidance_committee_paths(user):
        q |= models.Q(enterprise__supervising_org__path__startswith=path)
        q |= models.Q(enterprise__party_org__path__startswith=path)
    for g in grants_for(user):
        if g.role == Role.SECRETARY and g.org_path:
            q |= models.Q(enterprise__party_org__path=g.org_path, author_role="secretary")
        elif g.role == Role.MANAGER and g.enterprise_id:
            q |= models.Q(enterprise_id=g.enterprise_id, author_role="manager")
    return q


def opinion_refused() -> Refused:
    return Refused(
        _(
            "An instructor's opinion is given by the branch secretary and the managers of the enterprise they are assigned to."
        ),
        [Role.SECRETARY, Role.MANAGER],
    )


def rollup_paths(user: AnyUser) -> list[str]:
    """The committees whose roll-ups (and large screen) the user reads: their organisation
    department, and their committee members, who read the same figures on the home dashboard
    today. A county reads only its own subtree; a prefecture its counties."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return ["/"]
    roles = (Role.ORG_DEPARTMENT, Role.COMMITTEE_MEMBER)
    return [g.org_path for g in grants_for(user) if g.org_path and g.role in roles]


def rollup_refused() -> Refused:
    return Refused(
        _("A committee's roll-up is read by its organisation department and its committee members."),
        [Role.ORG_DEPARTMENT, Role.COMMITTEE_MEMBER],
    )


# --- pacesetter selections ------------------------------------------------------------------------


def may_see_selections(user: AnyUser) -> bool:
    """Whether the user reads pacesetter rounds: everyone at an enterprise (its rounds are open to
    all employees), its branch's members and officers, the committees above."""
    return has_any(user, SELECTION, VIEW)


def selections_refused() -> Refused:
    return refused((SELECTION, VIEW))


def may_run_round(user: AnyUser, round: Model) -> bool:
    """The organiser: the organising branch's officers (and the committees above them with the
    right) and the enterprise's managers."""
    return can(user, CHANGE, round)


def round_run_refused() -> Refused:
    return refused(
        (SELECTION, CHANGE), message=_("A round is run by its branch committee and the enterprise's managers.")
    )


def round_enterprises(user: AnyUser, enterprises: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `enterprises` where the user may open a round: an officer's branch covers it (or
    a committee above with the right), or the user manages it."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return enterprises
    q = NOTHING
    for g in grants_for(user):
        if not g.allows(SELECTION, CHANGE):
            continue
        if g.org_path:
            q |= models.Q(party_org__path__startswith=g.org_path)
        elif g.enterprise_id and g.role == Role.MANAGER:
            q |= models.Q(pk=g.enterprise_id)
    return enterprises.filter(q) if q != NOTHING else enterprises.none()


def may_answer_nomination(user: AnyUser, nomination: Any) -> bool:
    """A nominee declines their own nomination; nobody else does it for them."""
    person_id = getattr(user, "person_id", None)
    return person_id is not None and person_id == nomination.nominee_id


def may_add_evidence(user: AnyUser, nomination: Any) -> bool:
    """Evidence is added by the nominee, the one who nominated them, or the organiser."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id and person_id in (nomination.nominee_id, nomination.nominated_by_id)) or may_run_round(
        user, nomination.round
    )


def may_take_part(user: AnyUser, round: Model) -> bool:
    """Nominating a colleague or oneself, raising an objection: a person who reads the round (the
    round's own rules decide whether they are eligible)."""
    return bool(getattr(user, "person_id", None)) and can(user, VIEW, round)


def may_oversee_round(user: AnyUser, round: Model) -> bool:
    """The organiser and those who audit the round (the branch's secretary, the enterprise's
    managers, the committee above) read all of it: every result while the committee reviews,
    every objection and who raised it, the lists as Excel; and they may count the vote again
    from its stored ballots."""
    return can(user, CHANGE, round) or can(user, AUDIT, round)


may_recount = may_oversee_round


def nominators_shown(user: AnyUser, round: Model, nominations: Iterable[Any]) -> set[int]:
    """The nominations (ids) whose nominator the user is shown: those they may add evidence to
    (`may_add_evidence`: their own, the ones they made, all of them for the organiser). Others
    read who stands and why, not who put them forward."""
    rows = list(nominations)
    if rows and may_run_round(user, round):
        return {n.pk for n in rows}
    person_id = getattr(user, "person_id", None)
    return {n.pk for n in rows if person_id and person_id in (n.nominee_id, n.nominated_by_id)}


def may_tell(user: AnyUser, round: Model) -> bool:
    """Being a teller of a round's vote (marking paper ballots handed in, entering them, printing
    ballot sheets and blank paper ballots): the organiser. Two tellers must agree on each paper
    ballot, so one organiser alone cannot put a ballot in the count."""
    return may_run_round(user, round)


def running_rounds_q(user: AnyUser) -> models.Q:
    """The rounds the user runs as one of the organising branch's own officers (a secretary, a
    committee member) or as a manager of the enterprise, as a filter on selections.Round's
    fields: whose reviews, objections and held phases are on their to-do list (not a committee's
    above, which may run them but oversees)."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    q = models.Q(pk__in=[])
    for g in grants_for(user):
        if not g.allows(SELECTION, CHANGE):
            continue
        if g.org_path and g.role in officers:
            q |= models.Q(organization__path=g.org_path)
        elif g.enterprise_id and g.role == Role.MANAGER:
            q |= models.Q(enterprise_id=g.enterprise_id)
    return q


def recount_refused() -> Refused:
    return refused(
        (SELECTION, CHANGE),
        (SELECTION, AUDIT),
        message=_("A vote is counted again by the round's organiser and those who audit the round."),
    )


def may_see_results(user: AnyUser, round: Model, *, published: bool) -> bool:
    """A counted vote's figures (votes per nominee, ranks): the organiser and those who audit the
    round from the count, for the committee's review; everyone who reads the round once they are
    `published` (the public notice on)."""
    return (published and can(user, VIEW, round)) or may_recount(user, round)


def results_refused() -> Refused:
    return refused(
        (SELECTION, CHANGE),
        (SELECTION, AUDIT),
        message=_("The votes are published with the public notice; until then the committee reviews them."),
    )


# --- production indicators -------------------------------------------------------------------


def may_see_indicators(user: AnyUser) -> bool:
    """Whether the user reads some enterprise's production indicators: its managers and
    statisticians, its branch's officers and instructor, the committees above."""
    return has_any(user, INDICATOR, VIEW)


def indicators_refused() -> Refused:
    return refused((INDICATOR, VIEW))


def indicator_enterprises_q(user: AnyUser, action: str = VIEW) -> models.Q | None:
    """The enterprises whose figures the user reads (VIEW) or enters (CHANGE), as a filter on
    organizations.Enterprise; None for all."""
    return container_q(user, INDICATOR, action, ENTERPRISE)


def may_enter_indicators(user: AnyUser, enterprise: Model) -> bool:
    """Whether the user enters and corrects the enterprise's figures and defines its own
    indicators: its managers and statisticians (its HR)."""
    return can_add_to(user, INDICATOR, enterprise)


def entry_refused() -> Refused:
    return refused(
        (INDICATOR, CHANGE), message=_("An enterprise's figures are entered by its managers and statisticians.")
    )


def may_see_pay_of_few(user: AnyUser, enterprise: Model) -> bool:
    """Whether the user reads the average income of a team too small for an average to hide one
    person's pay (indicators.models.INCOME_MIN_HEADCOUNT): only the enterprise's own HR, who hold
    the payroll anyway."""
    return may_enter_indicators(user, enterprise)


# --- membership transfers ----------------------------------------------------------------------


def may_see_transfers(user: AnyUser) -> bool:
    """Whether the user reads transfers beyond their own (menus, the list): the officers of a
    branch and the committees' organisation departments."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.allows(TRANSFER, VIEW) and g.role != "self" for g in grants_for(user))


def transfers_refused() -> Refused:
    return refused((TRANSFER, VIEW))


def transfer_orgs(user: AnyUser, orgs: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `orgs` for which the user issues letters and registers incoming ones: the
    organisations they are an officer of, and those under a department's committee."""
    q = container_q(user, TRANSFER, CHANGE, ORG)
    if q is None:
        return orgs
    return orgs.filter(q) if q != NOTHING else orgs.none()


def may_issue_from(user: AnyUser, org: Model) -> bool:
    """Whether the user issues a letter for a member of `org` (and cancels one issued by
    mistake): its officers (secretary, committee members) and the organisation departments
    above."""
    return can_add_to(user, TRANSFER, org)


def _acts_for(user: AnyUser, org: Any) -> bool:
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    if org is None:
        return False
    return any(g.org_path and g.allows(TRANSFER, CHANGE) and org.path.startswith(g.org_path) for g in grants_for(user))


def may_act_as_sender(user: AnyUser, transfer: Any) -> bool:
    """Cancelling a letter, printing it, recording its receipt: the sending organisation's
    officers and the organisation departments above it."""
    return _acts_for(user, transfer.from_org)


def may_act_as_receiver(user: AnyUser, transfer: Any) -> bool:
    """Accepting or returning a letter, verifying and placing an incoming one: the receiving
    organisation's officers and the organisation departments above it, in whichever county."""
    return _acts_for(user, transfer.to_org)


def sender_refused() -> Refused:
    return refused(
        (TRANSFER, CHANGE),
        message=_("This is done by the sending branch's officers or the organisation department above it."),
    )


def receiver_refused() -> Refused:
    return refused(
        (TRANSFER, CHANGE),
        message=_("This is done by the receiving branch's officers or the organisation department above it."),
    )


def may_print_letter(user: AnyUser, transfer: Any, person: Model | None) -> bool:
    """The paper letter states the member's ID number in clear: the sender's officers who may
    reveal it (each print is an audited reveal)."""
    return may_act_as_sender(user, transfer) and person is not None and can(user, REVEAL, person)


def transfer_officer_paths(user: AnyUser) -> list[str]:
    """The organisations whose letters are on the user's to-do list: those they are an officer
    (secretary, committee member) of, with what is below them. A department oversees, and finds
    its county's letters on the list page."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    return [g.org_path for g in grants_for(user) if g.org_path and g.role in officers and g.allows(TRANSFER, CHANGE)]


# --- party dues -----------------------------------------------------------------------------


def may_see_dues(user: AnyUser) -> bool:
    """Whether the user reads some dues: a branch's officers, the organisation departments above,
    a member their own."""
    return has_any(user, DUES, VIEW)


def dues_refused() -> Refused:
    return refused((DUES, VIEW))


def dues_keep_refused() -> Refused:
    return refused(
        (DUES, CHANGE),
        message=_("A branch's dues are kept by its officers and the organisation departments above it."),
    )


def dues_orgs(user: AnyUser, orgs: models.QuerySet[_M], action: str = VIEW) -> models.QuerySet[_M]:
    """Those of `orgs` whose dues the user reads (VIEW) or keeps (CHANGE) as a body: an officer's
    subtree, an organisation department's. A member's own record gives no organisation."""
    where = anchor_orgs_q(user, DUES, action)
    if where is None:
        return orgs
    if where == NOTHING:
        return orgs.none()
    return orgs.filter(where)


def may_keep_dues_of(user: AnyUser, org: models.Model) -> bool:
    """Whether the user enters payments, bases and reliefs, and closes months, for `org`."""
    return org.pk is not None and dues_orgs(user, type(org)._default_manager.filter(pk=org.pk), CHANGE).exists()


def may_see_dues_of(user: AnyUser, org: models.Model) -> bool:
    return org.pk is not None and dues_orgs(user, type(org)._default_manager.filter(pk=org.pk)).exists()


def may_see_base_pay(user: AnyUser, row: Model) -> bool:
    """A base is individual income: its keepers and the member themself, never a manager."""
    return can(user, REVEAL, row)


def may_set_bands(user: AnyUser) -> bool:
    """The rate bands are the regulations' and apply everywhere: a new band set is added by the
    organisation department at the top of the tree."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(g.role == Role.ORG_DEPARTMENT and g.org_path and g.org_path.count("/") == 2 for g in grants_for(user))


def bands_refused() -> Refused:
    return Refused(
        _("A new band set is added by the organisation department at the top of the tree."), [Role.ORG_DEPARTMENT]
    )


def own_dues_org_paths(user: AnyUser) -> list[str]:
    """The organisations whose dues the user keeps as one of its own officers (their to-do list)."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    return [g.org_path for g in grants_for(user) if g.org_path and g.role in officers and g.allows(DUES, CHANGE)]


# --- democratic appraisal of members -------------------------------------------------------------
# A round is run by the branch's secretary and committee members and the organisation departments
# above (CHANGE on the round); its members take part (they write, comment, vote) and its invited
# representatives vote. What a person of the roll reads (docs/appraisal.md, "Who reads what"):
# their own self-assessment always, the other members' from the mutual assessment on (they
# comment on them); comments they wrote and comments about themselves; their own grade. The tally
# and everyone's grades are the officers'. Nobody reads how anyone voted: the tables cannot say.


def may_see_member_appraisals(user: AnyUser) -> bool:
    """Whether the user reads some branch's democratic appraisal (menus)."""
    return has_any(user, APPRAISAL, VIEW)


def member_appraisals_refused() -> Refused:
    return refused((APPRAISAL, VIEW))


def may_run_member_appraisal(user: AnyUser, round: Model) -> bool:
    """Moving the round on, inviting representatives, proposing and confirming grades, recording
    a follow-up: the branch's officers and the organisation departments above."""
    return can(user, CHANGE, round)


def member_appraisal_run_refused() -> Refused:
    return refused(
        (APPRAISAL, CHANGE),
        message=_("The democratic appraisal is run by the branch's secretary and committee members."),
    )


def member_appraisal_orgs(user: AnyUser, orgs: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """Those of `orgs` where the user may open a round (an officer's subtree)."""
    q = container_q(user, APPRAISAL, CHANGE, ORG)
    return orgs if q is None else orgs.filter(q)


def may_write_self_assessment(user: AnyUser, participant: Any) -> bool:
    """A member writes their own self-assessment; nobody writes it for them."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and participant is not None and participant.person_id == person_id and participant.member


def may_read_self_assessment(user: AnyUser, round: Any, participant: Any, own: Any) -> bool:
    """The writer, the officers, and (from the mutual assessment on, when members comment on each
    other) the round's other members; `own` is the reader's own line of the roll, if any."""
    if may_write_self_assessment(user, participant) or may_run_member_appraisal(user, round):
        return True
    return own is not None and own.member and round.reached("mutual")


def may_read_comments_about(user: AnyUser, round: Any, subject: Any) -> bool:
    """The comments on a member: the member and the officers (each author reads their own)."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id and subject.person_id == person_id) or may_run_member_appraisal(user, round)


def may_see_member_grades(user: AnyUser, round: Any) -> bool:
    """The rating's tally, the proposal and everyone's grades: the officers (a member reads their
    own grade on their own line and their person page)."""
    return may_run_member_appraisal(user, round)


def may_see_grade_of(user: AnyUser, participant: Any) -> bool:
    """One person's grade: the person and the officers of the round."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id and participant.person_id == person_id) or may_run_member_appraisal(user, participant.round)


def running_appraisals_q(user: AnyUser) -> models.Q:
    """The rounds the user runs as one of the branch's own officers (a secretary, a committee
    member), as a filter on appraisal.Round's fields: whose next step is on their to-do list."""
    officers = (Role.SECRETARY, Role.COMMITTEE_MEMBER)
    q = NOTHING
    for g in grants_for(user):
        if g.allows(APPRAISAL, CHANGE) and g.org_path and g.role in officers:
            q |= models.Q(organization__path=g.org_path)
    return q

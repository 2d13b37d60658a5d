"""Write: a row's person, employer, team and membership — checked by the people services'
own clean functions, and when the import is applied (`write=True`) planned in its Stage
(pipeline.stage), which writes them all at once in the merge."""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.organizations import selectors as orgs
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit, UnitKind
from dangjian.people import services as people
from dangjian.people.models import Membership, Person
from dangjian.people.validators import mask_id_number

from ..columns import BY_KEY, EMPLOYEES, MEMBERS
from ..models import RowOutcome
from ..parsing import fold as _fold
from ..reading import Roster
from .parse import RowResult, column, label, shown_value
from .targets import kind_for

if TYPE_CHECKING:
    from dangjian.access.models import User

    from .stage import Stage

PERSON_KEYS = ("name", "gender", "ethnicity", "id_number", "birth_date", "phone", "education", "post", "hire_date")
MEMBERSHIP_KEYS = ("admitted_on", "converted_on", "joined_org_on")


class Writer:
    """The records of the rows admitted, for one import into one target."""

    def __init__(
        self,
        *,
        actor: User | None,
        target: Enterprise | Organization,
        roster: Roster,
        write: bool,
        create_teams: bool,
        stage: Stage | None = None,
    ) -> None:
        self.actor = actor
        self.stage = stage
        self.kind = kind_for(target)
        self.roster = roster
        self.write = write
        self.create_teams = create_teams
        self.enterprise = target if isinstance(target, Enterprise) else None
        self.org = target if isinstance(target, Organization) else None
        self._units: dict[int, dict[tuple[str, str], list[ProductionUnit]]] = {}
        self._planned_teams: set[tuple[int, str, str]] = set()
        self.enterprises: list[Enterprise]
        self.default_employer: Enterprise | None
        if isinstance(target, Organization):
            self.enterprises = orgs.enterprises_covered(target)
            own = [e for e in self.enterprises if e.party_org is not None and e.party_org.path.startswith(target.path)]
            self.default_employer = own[0] if len(own) == 1 else None
        else:
            self.enterprises = [target]
            self.default_employer = target

    def rejected_by(self, exc: ValidationError, values: dict[str, Any], result: RowResult) -> None:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for key, messages in errors.items():
            for message in messages:
                named = column(self.roster, key) if key in BY_KEY or key in self.roster.columns else ""
                result.reject(named, shown_value(key, values.get(key)) if key in values else "", message)

    def person_and_membership(
        self,
        values: dict[str, Any],
        result: RowResult,
        person: Person | None,
        open_memberships: dict[int, Membership],
    ) -> None:
        fields = {k: values[k] for k in PERSON_KEYS if values.get(k) is not None}
        employer = self._employer(values, person, result)
        if result.outcome == RowOutcome.REJECTED:
            return
        if employer is not None and (person is None or person.employer_id is None):
            fields["employer"] = employer
        team = self.team(values, employer or (person.employer if person else None), result)
        if result.outcome == RowOutcome.REJECTED:
            return
        if team is not None:
            fields["team"] = team
        self._political_status(values, result, person, fields)
        if person is None:
            if not values.get("ethnicity"):
                result.reject(
                    column(self.roster, "ethnicity"), "", _("The ethnicity is missing; it is needed for a new person.")
                )
                return
            result.outcome = RowOutcome.CREATED
            person = Person(**{k: v for k, v in fields.items() if k != "team"})
            if "team" in fields and fields["team"].pk:
                person.team = fields["team"]
            # The row's number was looked up with its chunk's (match): no query of its own.
            people.clean_person(person, number_matched=True)
            if self.stage is not None:
                self.stage.new_person(person, fields.get("team"))
        else:
            changes = {k: v for k, v in fields.items() if not _same(getattr(person, k), v)}
            if changes:
                result.outcome = RowOutcome.UPDATED
                result.changed.extend(label(self.roster, k) for k in changes)
                trial = copy.copy(person)
                for k, v in changes.items():
                    setattr(trial, k, v if not (k == "team" and v.pk is None) else None)
                people.clean_person(trial, number_matched=True)
                if self.stage is not None:
                    self.stage.update_person(person, trial, changes.get("team"))
        result.person_id = person.pk
        if self.kind == MEMBERS:
            self._membership(values, result, person, open_memberships.get(person.pk) if person.pk else None)

    def _membership(
        self, values: dict[str, Any], result: RowResult, person: Person, current: Membership | None
    ) -> None:
        dates = {k: values[k] for k in MEMBERSHIP_KEYS if values.get(k) is not None}
        if current is not None and self.org is not None and not current.organization.path.startswith(self.org.path):
            result.reject(
                "",
                "",
                _("This person is a member of %(org)s. Transfer the membership to %(here)s before importing it here.")
                % {"org": current.organization, "here": self.org},
            )
            return
        if current is None:
            if "admitted_on" not in dates:
                result.reject(
                    column(self.roster, "admitted_on"),
                    "",
                    _("The date of admission to the Party is missing; it is required."),
                )
                return
            if result.outcome == RowOutcome.UNCHANGED:
                result.outcome = RowOutcome.CREATED
            result.changed.append(str(Membership._meta.verbose_name))
            people.clean_membership(Membership(person=person, organization=self.org, **dates))
            if self.stage is not None and self.org is not None:
                self.stage.new_membership(person, self.org, dates)
            return
        changes = {k: v for k, v in dates.items() if getattr(current, k) != v}
        if not changes:
            return
        if result.outcome == RowOutcome.UNCHANGED:
            result.outcome = RowOutcome.UPDATED
        result.changed.extend(label(self.roster, k) for k in changes)
        trial = copy.copy(current)
        for k, v in changes.items():
            setattr(trial, k, v)
        people.clean_membership(trial)
        if self.stage is not None:
            self.stage.update_membership(current, trial)

    def _employer(self, values: dict[str, Any], person: Person | None, result: RowResult) -> Enterprise | None:
        if self.kind == EMPLOYEES:
            if (
                person is not None
                and person.employer_id
                and self.enterprise
                and person.employer_id != self.enterprise.pk
            ):
                result.reject(
                    column(self.roster, "id_number"),
                    mask_id_number(values["id_number"]),
                    _(
                        "This person is registered as an employee of %(other)s. Record that they have left it "
                        "before importing them here."
                    )
                    % {"other": person.employer},
                )
            return self.enterprise
        text = values.get("employer")
        if not text:
            return person.employer if person and person.employer_id else self.default_employer
        folded = text.replace(" ", "").upper()
        found = [e for e in self.enterprises if folded in {e.uscc, e.name.replace(" ", "").upper()}]
        if len(found) != 1:
            result.reject(
                column(self.roster, "employer"),
                text,
                _(
                    "No enterprise named “%(name)s” is covered by %(org)s. Write the name as registered in "
                    "Dangjian, or its credit code."
                )
                % {"name": text, "org": self.org},
            )
            return None
        if person is not None and person.employer_id and person.employer_id != found[0].pk:
            result.notes.append(
                _("Registered as an employee of %(other)s; the employer is not changed by a member roster.")
                % {"other": person.employer}
            )
            return person.employer
        return found[0]

    def team(self, values: dict[str, Any], employer: Enterprise | None, result: RowResult) -> ProductionUnit | None:
        team_name = values.get("team")
        workshop_name = values.get("workshop")
        if not team_name:
            return None
        if employer is None:
            result.reject(
                column(self.roster, "team"), team_name, _("A team needs an employer: fill in the employer column.")
            )
            return None
        teams = self._units_named(employer, UnitKind.TEAM, team_name)
        if workshop_name:
            teams = [t for t in teams if t.parent is not None and _fold(t.parent.name) == _fold(workshop_name)]
        if len(teams) == 1:
            return teams[0]
        if len(teams) > 1:
            result.reject(
                column(self.roster, "team"),
                team_name,
                _("%(enterprise)s has more than one team named “%(team)s”. Fill in the workshop column to say which.")
                % {"enterprise": employer, "team": team_name},
            )
            return None
        if not self.create_teams:
            result.reject(
                column(self.roster, "team"),
                team_name,
                _(
                    "%(enterprise)s has no team named “%(team)s”. Correct the name, add the team first, or tick "
                    "“create missing teams”."
                )
                % {"enterprise": employer, "team": team_name},
            )
            return None
        return self._new_team(employer, workshop_name, team_name, result)

    def _new_team(
        self, employer: Enterprise, workshop_name: str | None, team_name: str, result: RowResult
    ) -> ProductionUnit:
        workshop = None
        if workshop_name:
            workshop = next(iter(self._units_named(employer, UnitKind.WORKSHOP, workshop_name)), None)
        key = (employer.pk, _fold(workshop_name or ""), _fold(team_name))
        if key not in self._planned_teams:
            self._planned_teams.add(key)
            result.notes.append(
                _("The team “%(team)s” will be created.") % {"team": team_name}
                if not self.write
                else _("The team “%(team)s” was created.") % {"team": team_name}
            )
        if self.stage is None:
            return ProductionUnit(enterprise=employer, kind=UnitKind.TEAM, name=team_name)
        # Planned, created when the import is merged; later rows find them like existing ones.
        if workshop is None and workshop_name:
            workshop = ProductionUnit(enterprise=employer, kind=UnitKind.WORKSHOP, name=workshop_name)
            self.stage.new_unit(workshop)
            self._units_named(employer, UnitKind.WORKSHOP, workshop_name).append(workshop)
        team = ProductionUnit(enterprise=employer, kind=UnitKind.TEAM, name=team_name, parent=workshop)
        self.stage.new_unit(team)
        self._units_named(employer, UnitKind.TEAM, team_name).append(team)
        return team

    def _units_named(self, employer: Enterprise, kind: str, name: str) -> list[ProductionUnit]:
        """The employer's units of that kind and name (folded), loaded once per import."""
        if employer.pk not in self._units:
            index: dict[tuple[str, str], list[ProductionUnit]] = {}
            for unit in orgs.units_of(employer):
                index.setdefault((unit.kind, _fold(unit.name)), []).append(unit)
            self._units[employer.pk] = index
        return self._units[employer.pk].setdefault((kind, _fold(name)), [])

    def _political_status(
        self, values: dict[str, Any], result: RowResult, person: Person | None, fields: dict[str, Any]
    ) -> None:
        status = values.get("political_status")
        if not status or status == PoliticalStatus.MASSES:
            return
        if status == PoliticalStatus.LEAGUE:
            if person is None or not person.is_league_member:
                fields["is_league_member"] = True
            return
        current = person.political_status if person is not None else PoliticalStatus.MASSES
        if status in PARTY_MEMBER_STATUSES and current not in PARTY_MEMBER_STATUSES and self.kind == EMPLOYEES:
            result.notes.append(
                _(
                    "Marked as a Party member in the file, but no membership is recorded: the branch records it "
                    "(member roster or the person's page)."
                )
            )
        elif status not in PARTY_MEMBER_STATUSES and status != current and self.kind == EMPLOYEES:
            result.notes.append(
                _("Applicants, activists and development targets are recorded through membership development.")
            )


def _same(current: Any, new: Any) -> bool:
    if isinstance(new, ProductionUnit):
        return new.pk is not None and getattr(current, "pk", None) == new.pk
    if isinstance(new, Enterprise):
        return getattr(current, "pk", None) == new.pk
    if isinstance(current, dt.date) and isinstance(new, dt.date):
        return current == new
    return (current or "") == (new or "")
